import Taro from '@tarojs/taro';

/**
 * H5 on the local host only: who the dev sign-in page says you are. The local host reads it from the
 * `x-wx-openid` header; deployed functions never do, and the WeChat build never sends it.
 */
const KEY = 'dev.openid';

export const DEV_PERSONAS = [
  { openid: 'dev-employee', label: '缴存职工（张三）', role: 'employee' },
  { openid: 'dev-tester', label: '内部测试人员（江苏）', role: 'tester' },
  { openid: 'dev-staff-321000', label: '中心工作人员（扬州）', role: 'center-staff' },
  { openid: 'dev-supervisor', label: '监管人员（住建部监管司）', role: 'supervisor' },
  // the local host's PROVINCIAL_SUPERVISORS default
  { openid: 'dev-province-320000', label: '省级监管人员（江苏省住建厅）', role: 'provincial-supervisor' },
] as const;

export function devOpenid(): string {
  const stored: unknown = Taro.getStorageSync(KEY);
  return typeof stored === 'string' && stored !== '' ? stored : DEV_PERSONAS[0].openid;
}

export function setDevOpenid(openid: string): void {
  Taro.setStorageSync(KEY, openid);
}
