export default definePageConfig({ navigationBarTitleText: '省级联络员' });
