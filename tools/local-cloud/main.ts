/**
 * `npm start`: builds the H5 app if it is missing, opens the embedded database (or DATABASE_URL),
 * loads the center catalog, starts the center simulator and the local host, and prints the URL.
 * Only `npm start` builds (it passes --build-h5): a host the tests start serves H5_DIR as it is, without the pages
 * when they are missing, so parallel test runs never build, nor empty the folder under each other.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureCatalog } from '../../cloudfunctions/_lib/catalog/load';
import { seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';
import { localFileStore } from '../../cloudfunctions/_lib/files/local';
import { createLogger } from '../../cloudfunctions/_lib/log';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPostgresStore } from '../../cloudfunctions/_lib/store/sql/pg';
import { createOutside } from '../../cloudfunctions/_lib/runtime/outside';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { startCenterSim } from '../center-sim/server';
import { envRoles, extraCaCerts, parseLocalEnv, projectRoot } from './config';
import { seedDemoDomains, seedDemoEndpoints, seedDemoLaunch, seedDemoLinks, seedDemoRoutes } from './demo';
import { secureDataDir } from './data-dir';
import { devCenterSecret, devCodeKeyEnv, devKeyringEnv } from './dev-keys';
import { coalescingRunner } from './relay-runner';
import { FUNCTIONS } from './functions';
import { createLocalCloud, invoke, type LocalCloudOptions } from './server';
import { readTimerTriggers, scheduleTimers } from './timers';

async function main() {
  const env = parseLocalEnv(process.env);
  const log = createLogger({ level: env.LOG_LEVEL });
  const extraCa = extraCaCerts(process.env);
  const h5Dir = path.resolve(projectRoot, env.H5_DIR);
  const pagesBuilt = () => existsSync(path.join(h5Dir, 'index.html'));
  if (!pagesBuilt() && process.argv.includes('--build-h5')) {
    console.log('首次运行：正在构建 H5 页面（约 30 秒）…');
    const built = spawnSync('npx', ['taro', 'build', '--type', 'h5'], { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (built.status !== 0) throw new Error('H5 构建失败，见上方输出');
  }
  if (!pagesBuilt()) console.warn(`没有 H5 页面（${h5Dir} 中没有 index.html），本地主机只提供接口。构建：H5_DIR=${h5Dir} NODE_ENV=production npx taro build --type h5（npm start 会自动构建）`);

  const dataDir = path.resolve(projectRoot, env.DATA_DIR);
  // the database, the keys and every file are the owner's alone: what this process makes, and what is there already
  process.umask(0o077);
  secureDataDir(dataDir);
  const store: Store = env.DATABASE_URL ? await openPostgresStore(env.DATABASE_URL) : await openPgliteStore(dataDir);
  // PGlite's own file system writes what it creates as 0666 whatever the umask: taken back once it has made them
  // (the directory itself stays 0700, so none of it is reachable by another user meanwhile)
  if (store.kind === 'pglite') secureDataDir(dataDir);
  const catalog = await ensureCatalog(store);
  const centers = await store.centers.list();
  const byCode = new Map(centers.map((c) => [c.code, c.name]));
  const centerSecret = devCenterSecret(dataDir);
  const sim = await startCenterSim({ port: env.CENTER_SIM_PORT, centerName: (code) => byCode.get(code), secretFor: () => centerSecret });
  const simHost = new URL(sim.origin).host;

  let address = '';
  const relay = coalescingRunner(
    () => invoke(options, 'relay', {}, undefined, 'internal'),
    (error) => log.error({ err: error }, 'relay run failed'),
  );
  // the local host verifies faces with the WeChat simulator unless told WECHAT_MODE=real, and lets the
  // delivery client reach its own center simulator (a loopback address the guard refuses otherwise) and the
  // endpoints DEV_ALLOW_ENDPOINTS adds, trusting the simulator's certificate and those in NODE_EXTRA_CA_CERTS
  // for them (public endpoints keep the system roots)
  const files = localFileStore(path.join(dataDir, 'files'));
  const devAllow = [simHost, ...(process.env.DEV_ALLOW_ENDPOINTS ?? '').split(',')].map((x) => x.trim()).filter(Boolean).join(',');
  const outside = createOutside(
    {
      WECHAT_MODE: 'simulator',
      ...(process.env.PII_KEYS ? {} : devKeyringEnv(dataDir)),
      ...(process.env.CODE_SIGNING_KEY ? {} : devCodeKeyEnv(dataDir)),
      ...process.env,
      DEV_ALLOW_ENDPOINTS: devAllow,
    },
    {
      productionBuild: false,
      files: () => files,
      nudgeRelay: () => relay.nudge(),
      devCa: [sim.tls.cert, extraCa].filter(Boolean).join('\n'),
      callbackBase: () => address,
    },
  );
  await seedDemoLaunch(store, env.LAUNCH);
  await seedDemoLinks(store, sim.origin);
  await seedDemoRoutes(store, sim.origin);
  await seedDemoDomains(store, sim.origin);
  await seedDemoEndpoints(store, sim, (code) => seal(outside.keyring(), sealedAs.endpointSecret(code), centerSecret));

  const options: LocalCloudOptions = { store, functions: FUNCTIONS, envRoles: envRoles(env), log, h5Dir, outside, downloads: files, nudgeSecret: env.INTERNAL_NUDGE_SECRET };
  const app = await createLocalCloud(options);
  const stopTimers = scheduleTimers(readTimerTriggers(path.join(projectRoot, 'cloudbaserc.json')), async (fn, event) => {
    const result = await invoke(options, fn, event, undefined, 'timer');
    if (!result.ok) log.warn({ fn, code: result.code }, 'timer run failed');
  });
  address = await app.listen({ port: env.PORT, host: env.HOST });
  relay.nudge(); // deliveries left over from the last run

  console.log(
    [
      '',
      `全国住房公积金小程序（本地）已启动：${address.replace('127.0.0.1', 'localhost')}`,
      `  数据：${store.kind === 'pglite' ? dataDir : 'PostgreSQL (DATABASE_URL)'}，中心 ${centers.length} 个${catalog.loaded ? '（已载入目录）' : ''}`,
      `  中心模拟器：${sim.origin}（自签名证书：跳转页面前请先在浏览器中打开一次并信任）`,
      '  按 Ctrl-C 停止',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      stopTimers();
      await app.close();
      await relay.idle();
      await sim.close();
      await store.close();
      process.exit(0);
    } catch (error) {
      console.error('停止时出错：', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
