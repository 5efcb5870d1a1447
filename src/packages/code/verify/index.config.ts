export default definePageConfig({ navigationBarTitleText: '验证证明码' });
