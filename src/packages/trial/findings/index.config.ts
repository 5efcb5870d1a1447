export default definePageConfig({ navigationBarTitleText: '试用问题' });
