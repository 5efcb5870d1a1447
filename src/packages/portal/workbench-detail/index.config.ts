export default definePageConfig({ navigationBarTitleText: '申请办理' });
