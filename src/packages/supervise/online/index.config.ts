export default definePageConfig({ navigationBarTitleText: '全程网办完成情况' });
