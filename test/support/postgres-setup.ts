/**
 * Gives the node tests a real PostgreSQL server as PG_TEST_URL: DATABASE_URL when set (CI starts
 * Debian's postgresql), else a throwaway server from Debian's binaries. Never skips: with neither,
 * the run fails and says what to install.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

function findPgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(base, v, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL at ${url} did not become ready`);
}

export default async function setup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.PG_TEST_URL = process.env.DATABASE_URL;
    await waitReady(process.env.PG_TEST_URL);
    return;
  }
  const bin = findPgBin();
  if (!bin) {
    throw new Error('The store contract suite needs PostgreSQL: set DATABASE_URL, or install Debian\'s postgresql (apt-get install postgresql).');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'gjj-pg-'));
  const dataDir = path.join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  execFileSync(...run(path.join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']), { stdio: 'ignore' });
  const port = await freePort();
  const child = spawn(...run(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off']), {
    stdio: 'ignore',
    detached: false,
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // pg_ctl stops it in teardown: runuser does not pass signals on to the server
  const stop = run(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-s']);
  (globalThis as Record<string, unknown>).__GJJ_PG__ = { child, dir, stop };
  process.env.PG_TEST_URL = url;
  await waitReady(url);
}
