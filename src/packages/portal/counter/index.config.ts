export default definePageConfig({ navigationBarTitleText: '柜台核验' });
