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
    // before launch, for people without a role (issue 15): in the main package, it opens instead of the home page
    'pages/closed/index',
  ],
  subPackages: [
    // centers' pages (加入中心 for anyone signed in; 柜台核验, 申请工作台, 链接与接口登记, 月度数据填报, 未全程网办说明 and 试用问题
    // for staff; 变更审核, 角色管理 and 节假日安排 for supervisors): the functions themselves refuse everyone else
    {
      root: 'packages/portal',
      pages: ['counter/index', 'workbench/index', 'workbench-detail/index', 'join/index', 'links/index', 'review/index', 'roles/index', 'calendar/index', 'figures/index', 'online-reason/index', 'trial-findings/index'],
    },
    // supervision (national and provincial supervisors): the overview, the official tables, 内部试用与上线, 业务域名
    { root: 'packages/supervise', pages: ['overview/index', 'progress/index', 'online/index', 'monthly/index', 'liaisons/index', 'recommendations/index', 'trial/index', 'domains/index'] },
    // the internal trial (testers of one province): 加入内部试用 opens from an invite's code before launch
    { root: 'packages/trial', pages: ['join/index', 'centers/index', 'checklist/index', 'findings/index'] },
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
