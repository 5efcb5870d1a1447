/** What a signed-in WeChat user may do besides acting as an employee. */
export const ROLES = ['supervisor', 'tester', 'center-staff'] as const;
export type Role = (typeof ROLES)[number];

export type RoleGrant =
  | { role: 'supervisor' | 'tester' }
  | { role: 'center-staff'; centerCode: string };

export const ROLE_LABELS: Record<Role | 'employee', string> = {
  employee: '缴存职工',
  supervisor: '监管人员',
  tester: '内部测试人员',
  'center-staff': '中心工作人员',
};
