export default definePageConfig({ navigationBarTitleText: '内部试用与上线' });
