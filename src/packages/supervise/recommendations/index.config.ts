export default definePageConfig({ navigationBarTitleText: '三个一百推荐' });
