import type { RunningHost } from '../../support/local-host';

export default async function teardown(): Promise<void> {
  await (globalThis as { __PAGES_HOST__?: RunningHost }).__PAGES_HOST__?.stop();
}
