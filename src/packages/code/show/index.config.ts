export default definePageConfig({ navigationBarTitleText: '亮码' });
