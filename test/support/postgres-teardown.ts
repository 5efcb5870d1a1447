import { execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Stops the throwaway PostgreSQL server postgres-setup.ts started, if it started one. */
export default async function teardown(): Promise<void> {
  const pgServer = (globalThis as Record<string, unknown>).__GJJ_PG__ as { child: ChildProcess; dir: string; stop: [string, string[]] } | undefined;
  if (!pgServer) return;
  const exited = new Promise((resolve) => pgServer.child.once('exit', resolve));
  execFileSync(...pgServer.stop, { stdio: 'ignore' });
  await exited;
  rmSync(pgServer.dir, { recursive: true, force: true });
}
