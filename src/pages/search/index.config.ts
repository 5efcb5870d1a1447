export default definePageConfig({ navigationBarTitleText: '搜索中心' });
