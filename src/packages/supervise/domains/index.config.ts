export default definePageConfig({ navigationBarTitleText: '业务域名' });
