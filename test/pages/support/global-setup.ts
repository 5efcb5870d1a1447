import { startLocalHost, verifyDevStaff, type RunningHost } from '../../support/local-host';

/**
 * One real local host for the whole pages layer (it takes ~10 s to start): its URL reaches the test
 * environments through the environment variables set here, inherited by jest's workers.
 */
export default async function setup(): Promise<void> {
  const host = await startLocalHost();
  process.env.PAGES_HOST_URL = host.url;
  process.env.PAGES_SIM_ORIGIN = host.simOrigin;
  (globalThis as { __PAGES_HOST__?: RunningHost }).__PAGES_HOST__ = host;
  // staff work at the counter and in the workbench only with a verified identity of their own
  await verifyDevStaff(host.url);
}
