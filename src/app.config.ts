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
    // 隐私政策 and 隐私与账号 (issue 17): linked from the consent, 我的 and every page's footer, so in the main package
    // before launch, for people without a role (issue 15): in the main package, it opens instead of the home page
    'pages/closed/index',
  ],
  subPackages: [
    // centers' pages (加入中心 for anyone signed in; 柜台核验, 申请工作台, 链接与接口登记, 月度数据填报, 未全程网办说明 and 试用问题
    // for staff; 变更审核, 角色管理 and 节假日安排 for supervisors): the functions themselves refuse everyone else
    {
      root: 'packages/portal',
      pages: ['counter/index', 'workbench/index', 'workbench-detail/index', 'join/index', 'links/index', 'review/index', 'roles/index', 'calendar/index', 'figures/index', 'online-reason/index', 'trial-findings/index', 'read-code/index'],
    },
    // supervision (national and provincial supervisors): the overview, the official tables, 内部试用与上线, 业务域名
    { root: 'packages/supervise', pages: ['overview/index', 'progress/index', 'online/index', 'monthly/index', 'liaisons/index', 'recommendations/index', 'trial/index', 'domains/index'] },
    // the internal trial (testers of one province): 加入内部试用 opens from an invite's code before launch
    { root: 'packages/trial', pages: ['join/index', 'centers/index', 'checklist/index', 'findings/index'] },
    // 亮码 (issue 18 point 1): the certificate code, drawn here (qrcode), kept out of the main package
    { root: 'packages/code', pages: ['show/index', 'verify/index'] },
    // 隐私与账号 (issue 17): 下载我的数据, 解除绑定, 注销账号, kept out of the main package (its 700 KB budget)
    { root: 'packages/account', pages: ['manage/index', 'policy/index'] },
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
  // 首页 / 我的申请 / 我的, in WeChat and on H5; their pages stay in the main package and are reached with switchTab
  // (icons drawn by tools/tab-icons/make.ts)
  tabBar: {
    color: '#646a73',
    selectedColor: '#c8161d',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tab/home.png', selectedIconPath: 'assets/tab/home-selected.png' },
      { pagePath: 'pages/applications/index', text: '我的申请', iconPath: 'assets/tab/applications.png', selectedIconPath: 'assets/tab/applications-selected.png' },
      { pagePath: 'pages/mine/index', text: '我的', iconPath: 'assets/tab/mine.png', selectedIconPath: 'assets/tab/mine-selected.png' },
    ],
  },
});
