import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import type { RoleGrant } from '../../src/core/roles';
import { isProvinceCode } from '../../src/core/supervision';

const openidList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[\w-]{1,64}$/, 'openid 只能含字母、数字、下划线和连字符')));

/** The province of a tester the local host's TESTER_OPENIDS names without one (320000 江苏, where the demo's 扬州 is). */
export const DEFAULT_TESTER_PROVINCE = '320000';

/** The local host's environment, parsed once at start; a bad value stops it with the variable named. */
export const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  H5_DIR: z.string().default('dist/h5'),
  // an empty value means unset, so `DATABASE_URL= npm start` uses the embedded database
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应为 postgres:// 连接串').optional()),
  SUPERVISOR_OPENIDS: openidList.default(['dev-supervisor']),
  /** Testers of one province each: `openid` (a tester of 320000 江苏) or `openid:provinceCode`, comma separated. */
  TESTER_OPENIDS: z
    .string()
    .default('dev-tester')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[\w-]{1,64}(:\d{6})?$/, 'TESTER_OPENIDS 每项应为 openid 或 openid:6位省份代码（如 320000）')
          .refine((entry) => !entry.includes(':') || isProvinceCode(entry.slice(entry.indexOf(':') + 1)), 'TESTER_OPENIDS 中的省份代码不存在')
          .transform((entry) => {
            const [openid, province = DEFAULT_TESTER_PROVINCE] = entry.split(':');
            return { openid, province };
          }),
      ),
    ),
  /** openid:centerCode pairs, comma separated. */
  CENTER_STAFF: z
    .string()
    .default('dev-staff-321000:321000')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[\w-]{1,64}:\d{6}$/, 'CENTER_STAFF 每项应为 openid:6位中心代码'))),
  /** openid:provinceCode pairs, comma separated: provincial supervisors (住建厅), who see their own province only. */
  PROVINCIAL_SUPERVISORS: z
    .string()
    .default('dev-province-320000:320000')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[\w-]{1,64}:\d{6}$/, 'PROVINCIAL_SUPERVISORS 每项应为 openid:6位省份代码（如 320000）')
          .refine((pair) => isProvinceCode(pair.slice(pair.indexOf(':') + 1)), 'PROVINCIAL_SUPERVISORS 中的省份代码不存在'),
      ),
    ),
  CENTER_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  /**
   * The launch state at start (issue 15): unset, the demo opens the whole country on its first start and later starts
   * keep what supervisors switched; `closed` closes it as a freshly deployed store is, `open` opens it again.
   */
  LAUNCH: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['open', 'closed'], { error: 'LAUNCH 应为 open 或 closed' }).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The secret an internal relay nudge proves itself with at POST /api/relay, as deployed; unset, only this host's own runner and timer run it. */
  INTERNAL_NUDGE_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'INTERNAL_NUDGE_SECRET 应至少 32 个字符（随机生成）').optional()),
});
export type LocalEnv = z.infer<typeof LocalEnvSchema>;

export function parseLocalEnv(env: NodeJS.ProcessEnv): LocalEnv {
  const parsed = LocalEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`环境变量有误：\n${lines.join('\n')}`);
}

/**
 * The certificates in the file NODE_EXTRA_CA_CERTS names, read once at start, as one PEM text (undefined when
 * unset): the local host trusts them, besides its simulator's, for the DEV_ALLOW_ENDPOINTS endpoints only.
 * Node itself only warns when it cannot load the file; here an unreadable file or one without a certificate
 * stops the start with the variable named.
 */
export function extraCaCerts(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`NODE_EXTRA_CA_CERTS 指向的文件无法读取（${file}：${code}）/ NODE_EXTRA_CA_CERTS names a file that cannot be read (${file}: ${code})`);
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const unusable = () => new Error(`NODE_EXTRA_CA_CERTS 指向的文件不含有效的 PEM 证书（${file}）/ NODE_EXTRA_CA_CERTS names a file without a valid PEM certificate (${file})`);
  if (pems.length === 0) throw unusable();
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
    } catch {
      throw unusable();
    }
  }
  return pems.join('\n');
}

/** Roles the local host grants from its environment, by openid. */
export function envRoles(env: Pick<LocalEnv, 'SUPERVISOR_OPENIDS' | 'TESTER_OPENIDS' | 'CENTER_STAFF' | 'PROVINCIAL_SUPERVISORS'>): Map<string, RoleGrant[]> {
  const roles = new Map<string, RoleGrant[]>();
  const add = (openid: string, grant: RoleGrant) => roles.set(openid, [...(roles.get(openid) ?? []), grant]);
  for (const openid of env.SUPERVISOR_OPENIDS) add(openid, { role: 'supervisor' });
  for (const { openid, province } of env.TESTER_OPENIDS) add(openid, { role: 'tester', province });
  for (const pair of env.CENTER_STAFF) {
    const [openid, centerCode] = pair.split(':');
    add(openid, { role: 'center-staff', centerCode });
  }
  for (const pair of env.PROVINCIAL_SUPERVISORS) {
    const [openid, province] = pair.split(':');
    add(openid, { role: 'provincial-supervisor', province });
  }
  return roles;
}

export const projectRoot = path.resolve(__dirname, '../..');
