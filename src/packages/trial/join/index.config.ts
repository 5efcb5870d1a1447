export default definePageConfig({ navigationBarTitleText: '加入内部试用' });
