export default definePageConfig({ navigationBarTitleText: '申请工作台' });
