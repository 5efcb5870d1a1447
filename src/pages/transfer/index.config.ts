export default definePageConfig({ navigationBarTitleText: '异地转移接续' });
