import { startLocalHost, type RunningHost } from '../../support/local-host';

/** The real server takes ~10 s to start (tsx, embedded database, catalog, demo links). */
const START_TIMEOUT_MS = 90_000;

/**
 * Starts the real local host once for the calling test file and points the page's relative
 * `/api/...` requests at it (see environment.js). Returns a getter, as the host exists only after beforeAll.
 */
export function useLocalHost(): () => RunningHost {
  let host: RunningHost | undefined;
  beforeAll(async () => {
    host = await startLocalHost();
    (globalThis as { API_ORIGIN?: string }).API_ORIGIN = host.url;
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await host?.stop();
  }, 30_000);
  return () => {
    if (!host) throw new Error('local host not started');
    return host;
  };
}
