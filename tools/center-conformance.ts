/**
 * `npm run center:conformance -- --url https://... --secret whsec_...`: the center conformance suite
 * (cloudfunctions/_lib/centers/conformance.ts) for a center's engineers, against their own endpoint. Hosts the
 * callback inbox itself (tools/conformance-inbox.ts). Exits 0 when every check passed, 1 when one did not,
 * 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CALLBACK_WAIT_MS, runConformance } from '../cloudfunctions/_lib/centers/conformance';
import type { ConformanceReport } from '../src/core/center-portal';
import { createOutboundClient, hostPort } from '../cloudfunctions/_lib/delivery/http';
import { startCallbackInbox } from './conformance-inbox';

const USAGE = `用法：npm run center:conformance -- --url <中心接口地址> --secret <密钥> [选项]

  --url <https://...>         中心接收推送的接口地址（必填，https）
  --secret <whsec_...>        平台给本中心的密钥（必填），推送用它签名，回调用它校验
  --center <6 位代码>          本中心的中心代码；接口地址形如 .../centers/<代码>/... 时可省略
  --listen <主机:端口>         本工具接收回调的地址，默认 127.0.0.1:0（任选空闲端口）
  --callback-base <网址>       中心访问回调地址所用的公网地址（经反向代理或隧道转到 --listen），
                              默认为 --listen 的地址；推送中的 callbackUrl 为 <网址>/callbacks/<中心代码>
  --ca <PEM 文件>              测试环境的自签名证书：只对 --url 的主机和端口信任它（并允许内网地址）
  --wait <秒>                  最后一条推送后等待回调的时间，默认 ${CALLBACK_WAIT_MS / 1000} 秒
  --help                      显示本说明`;

class UsageError extends Error {}

interface Arguments {
  url: URL;
  secret: string;
  centerCode: string;
  host: string;
  port: number;
  callbackBase: string | undefined;
  ca: string | undefined;
  waitMs: number;
}

/** The option a parseArgs error names ("Unknown option '--foo'", "Option '--url <value>' argument missing"). */
function optionOf(error: Error): string {
  return /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
}

function parse(argv: string[]): Arguments | 'help' {
  let values: ReturnType<typeof readArgs>['values'];
  try {
    ({ values } = readArgs(argv));
  } catch (error) {
    const e = error as Error & { code?: string };
    const option = optionOf(e);
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`不认识的参数 ${option}`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`参数 ${option} 缺少取值`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`多余的参数 ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}（参数都以 -- 开头）`);
    throw new UsageError(e.message);
  }
  if (values.help) return 'help';

  if (!values.url) throw new UsageError('缺少 --url：中心接收推送的接口地址');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url 不是有效的网址：${values.url}`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--url 应为 https 地址（平台只向 https 接口推送）');

  if (!values.secret) throw new UsageError('缺少 --secret：平台给本中心的密钥（whsec_ 开头）');
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(values.secret)) throw new UsageError('--secret 应为 whsec_ 加 base64 串，即平台给出的密钥原样');

  const centerCode = values.center ?? /\/centers\/(\d{6})(?:\/|$)/.exec(url.pathname)?.[1];
  if (!centerCode) throw new UsageError('缺少 --center：本中心的 6 位中心代码');
  if (!/^\d{6}$/.test(centerCode)) throw new UsageError(`--center 应为 6 位数字的中心代码：${centerCode}`);

  const listen = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(values.listen ?? '127.0.0.1:0');
  if (!listen || Number(listen[2]) > 65535) throw new UsageError(`--listen 应为 主机:端口，例如 127.0.0.1:0 或 0.0.0.0:8443：${values.listen}`);

  let callbackBase: string | undefined;
  if (values['callback-base'] !== undefined) {
    let base: URL;
    try {
      base = new URL(values['callback-base']);
    } catch {
      throw new UsageError(`--callback-base 不是有效的网址：${values['callback-base']}`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new UsageError('--callback-base 应为 https:// 或 http:// 开头的网址');
    callbackBase = base.href.replace(/\/+$/, '');
  }

  let ca: string | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(values.ca, 'utf8');
    } catch (error) {
      throw new UsageError(`--ca 文件读不出：${values.ca}（${(error as NodeJS.ErrnoException).code ?? (error as Error).message}）`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca 文件中没有 PEM 格式的证书：${values.ca}`);
  }

  const wait = values.wait ?? String(CALLBACK_WAIT_MS / 1000);
  if (!/^\d{1,3}$/.test(wait) || Number(wait) < 1 || Number(wait) > 600) throw new UsageError(`--wait 应为 1 至 600 的整数秒：${wait}`);

  return { url, secret: values.secret, centerCode, host: listen[1].replace(/^\[|\]$/g, ''), port: Number(listen[2]), callbackBase, ca, waitMs: Number(wait) * 1000 };
}

function readArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      center: { type: 'string' },
      listen: { type: 'string' },
      'callback-base': { type: 'string' },
      ca: { type: 'string' },
      wait: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}

function print(report: ConformanceReport): void {
  for (const c of report.checks) console.log(`${c.passed ? '✓' : '✗'} ${c.name}\n    ${c.detail}`);
  const failed = report.checks.filter((c) => !c.passed).length;
  console.log(
    report.passed ? `\n全部 ${report.checks.length} 项通过。` : `\n未通过：${report.checks.length} 项中有 ${failed} 项未通过，见上方 ✗ 各项的说明（对照 docs/center-api.md）。`,
  );
}

async function main(): Promise<number> {
  let args: Arguments | 'help';
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`参数有误：${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }

  let inbox: Awaited<ReturnType<typeof startCallbackInbox>>;
  try {
    inbox = await startCallbackInbox({ secret: args.secret, centerCode: args.centerCode, host: args.host, port: args.port, callbackBase: args.callbackBase });
  } catch (error) {
    console.error(`参数有误：无法在 --listen ${args.host}:${args.port} 接收回调（${(error as NodeJS.ErrnoException).code ?? (error as Error).message}）\n\n${USAGE}`);
    return 2;
  }
  // a self-signed test endpoint: trusted, and let through the public-address guard, for its own host:port only
  const outbound = createOutboundClient(args.ca ? { allow: new Set([hostPort(args.url)]), allowCa: args.ca } : {});
  try {
    console.log(`中心接口联调测试：中心 ${args.centerCode}，接口 ${args.url.href}`);
    console.log(`回调地址：${inbox.callbackBase}/callbacks/${args.centerCode}（本工具在 ${inbox.address} 接收）\n`);
    const report = await runConformance({ centerCode: args.centerCode, url: args.url.href, secret: args.secret }, { outbound, inbox, callbackWaitMs: args.waitMs });
    print(report);
    return report.passed ? 0 : 1;
  } finally {
    await outbound.close();
    await inbox.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`联调测试意外中止：${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
