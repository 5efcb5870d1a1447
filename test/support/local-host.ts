import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSENT_VERSION } from '../../src/core/consent';
import { idCheckChar } from '../../src/core/identity';

export interface RunningHost {
  /** http://localhost:<port> */
  url: string;
  /** https://localhost:<port> of the center simulator */
  simOrigin: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the host printed so far (for a failing test to show). */
  output(): string;
  /** Stops the host (SIGINT, as Ctrl-C) and waits for it to exit; removes the data directory unless kept. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
  /** SIGKILL: no clean-up of any kind runs in the host; the data directory stays. Resolves once it is gone. */
  crash(): Promise<void>;
}

const root = path.resolve(__dirname, '../..');

/** A TCP port free right now on 127.0.0.1 (for a simulator port that must stay the same across restarts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real local host (`npm start`'s program) on free ports with a fresh embedded database,
 * as ONE child process (`node --import tsx`, not tsx's CLI, which would run it in a grandchild that a
 * signal to the child never reaches), and resolves once it prints its URL.
 */
export async function startLocalHost(env: Record<string, string> = {}, dataDir = mkdtempSync(path.join(tmpdir(), 'gjj-host-'))): Promise<RunningHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tools/local-cloud/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', CENTER_SIM_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ url: string; simOrigin: string }>((resolve, reject) => {
    // about 20 s on an idle machine; two minutes and more when several builds and browsers share two cores
    const timer = setTimeout(() => reject(new Error(`local host did not start in 180 s:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /已启动：(http:\/\/\S+)/.exec(output)?.[1];
      const simOrigin = /中心模拟器：(https:\/\/localhost:\d+)/.exec(output)?.[1];
      if (url && simOrigin) {
        clearTimeout(timer);
        resolve({ url, simOrigin });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local host exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    ...started,
    dataDir,
    process: child,
    output: () => output,
    async stop(options = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const code = await exited;
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The resident ID a dev staff persona verifies with on a test host (Beijing 西城, born 1966-07-07, one per persona). */
export function staffResidentId(index: number): string {
  const first17 = `11010519660707${String(900 + index).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/**
 * Verifies `openid` by face on a running host through its own functions (the WeChat simulator passes by
 * default): staff work at the counter and in the workbench only with a verified identity of their own.
 */
export async function verifyOnHost(url: string, openid: string, name: string, docNumber: string): Promise<void> {
  const ask = async (event: Record<string, unknown>) => {
    const res = await fetch(`${url}/api/identity`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) });
    const answer = (await res.json()) as { ok: boolean; message?: string; data?: { verifyId?: string } };
    if (!answer.ok) throw new Error(`identity ${String(event.action)} for ${openid}: ${answer.message}`);
    return answer.data;
  };
  await ask({ action: 'consent', version: CONSENT_VERSION });
  const started = await ask({ action: 'start', name, docType: '01', docNumber, consentVersion: CONSENT_VERSION });
  await ask({ action: 'confirm', verifyId: started?.verifyId });
}

/** The dev staff personas of a host started with the default roles, verified as staff must be before they work. */
export async function verifyDevStaff(url: string): Promise<void> {
  await verifyOnHost(url, 'dev-staff-321000', '周工', staffResidentId(0));
}
