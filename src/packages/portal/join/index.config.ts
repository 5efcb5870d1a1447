export default definePageConfig({ navigationBarTitleText: '加入中心' });
