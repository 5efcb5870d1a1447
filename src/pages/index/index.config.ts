export default definePageConfig({ navigationBarTitleText: '全国住房公积金' });
