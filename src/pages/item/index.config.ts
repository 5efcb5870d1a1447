export default definePageConfig({ navigationBarTitleText: '跨省通办' });
