export default definePageConfig({ navigationBarTitleText: '接入进度' });
