export default definePageConfig({ navigationBarTitleText: '未全程网办说明' });
