export default definePageConfig({ navigationBarTitleText: '月度数据填报' });
