export default definePageConfig({ navigationBarTitleText: '在线申请' });
