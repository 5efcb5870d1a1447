// the title follows the certificate asked for (TYPE_LABELS), set by the page once it knows the type
export default definePageConfig({ navigationBarTitleText: '证明申请' });
