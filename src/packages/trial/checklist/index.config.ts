export default definePageConfig({ navigationBarTitleText: '中心检查' });
