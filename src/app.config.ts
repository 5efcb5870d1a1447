const isH5 = process.env.TARO_ENV === 'h5';

export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/search/index',
    'pages/directory/index',
    'pages/center/index',
    'pages/item/index',
    'pages/webview/index',
    'pages/verify/index',
    'pages/mine/index',
    'pages/transfer/index',
    'pages/applications/index',
    'pages/application/index',
    'pages/certificate/index',
    'pages/purchase/index',
    'pages/service-request/index',
  ],
  subPackages: [
    // center staff's pages (柜台核验, 申请工作台); the functions themselves refuse everyone else
    { root: 'packages/portal', pages: ['counter/index', 'workbench/index', 'workbench-detail/index'] },
    // the dev sign-in exists only in the H5 build served by the local host
    ...(isH5 ? [{ root: 'packages/dev', pages: ['sign-in/index'] }] : []),
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#c8161d',
    navigationBarTitleText: '全国住房公积金',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f6f8',
  },
});
