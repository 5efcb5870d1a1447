export default definePageConfig({ navigationBarTitleText: '切换身份（本地开发）' });
