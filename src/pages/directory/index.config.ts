export default definePageConfig({ navigationBarTitleText: '按省份查找' });
