export default definePageConfig({ navigationBarTitleText: '中心线上服务' });
