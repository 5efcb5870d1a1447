export default definePageConfig({ navigationBarTitleText: '链接与接口登记' });
