export default definePageConfig({ navigationBarTitleText: '购房提取' });
