import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * The real local host (`npm start`'s program) as ONE child process that a test can kill with SIGKILL.
 *
 * test/support/local-host.ts starts it through `tsx/cli`, which runs the program in a grandchild: a
 * SIGKILL there kills only the wrapper and leaves the host running (holding its ports and its data
 * directory). Here the program runs in the child itself (`node --import tsx`), so a kill is a real crash.
 */
export interface KillableHost {
  /** http://localhost:<port> */
  url: string;
  /** https://localhost:<port> of the center simulator (inside the same process) */
  simOrigin: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the host printed so far (for a failing test to show). */
  output(): string;
  /** SIGKILL: no clean-up of any kind runs in the host; resolves once the process is gone. */
  crash(): Promise<void>;
  /** SIGINT, as Ctrl-C; resolves with the exit code. Never removes the data directory. */
  stop(): Promise<number | null>;
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

export async function startKillableHost(dataDir: string, env: Record<string, string> = {}): Promise<KillableHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tools/local-cloud/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', CENTER_SIM_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ url: string; simOrigin: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local host did not start in 60 s:\n${output}`)), 60_000);
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
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
