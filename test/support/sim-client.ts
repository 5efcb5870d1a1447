import { Agent, request } from 'undici';
import type { ReceivedDelivery, Script } from '../../tools/center-sim/server';

// the simulator's certificate is self-signed, made at each start
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** One call to the simulator's control API; anything but 200 is an error naming what it answered. */
async function control(simOrigin: string, method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<unknown> {
  const res = await request(`${simOrigin}${route}`, {
    method,
    dispatcher: insecure,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`simulator answered ${res.statusCode} for ${method} ${route}: ${text}`);
  return JSON.parse(text);
}

/** What the center simulator at `simOrigin` has received so far (GET /_control/received). */
export async function simReceived(simOrigin: string): Promise<ReceivedDelivery[]> {
  return (await control(simOrigin, 'GET', '/_control/received')) as ReceivedDelivery[];
}

/**
 * What the simulated centers do with applications of `type` from now on (POST /_control/script): when they
 * play `role` in it (`purchase`, `deposit`, ...), or whatever their role without one. A step is a status or
 * `{ status, message?, delayMs?, documents?, generatedPdf?, payment? }`; `payment: {}` pays `form.amount` today.
 */
export async function simSetScript(simOrigin: string, script: { type: string; role?: string; steps: Script }): Promise<void> {
  await control(simOrigin, 'POST', '/_control/script', script);
}

/** Back to the default script: for one role of a type, every role of a type, or everything (DELETE /_control/script). */
export async function simResetScript(simOrigin: string, type?: string, role?: string): Promise<void> {
  const query = new URLSearchParams({ ...(type ? { type } : {}), ...(role ? { role } : {}) }).toString();
  await control(simOrigin, 'DELETE', `/_control/script${query ? `?${query}` : ''}`);
}

/** The hall page at `path` (`/hall/321000/1`, its query included) answers 503 while `down`, as a center's broken link (POST /_control/hall). */
export async function simSetHallDown(simOrigin: string, path: string, down: boolean): Promise<void> {
  await control(simOrigin, 'POST', '/_control/hall', { path, down });
}

/** Closes the connections to the simulator (afterAll). */
export const closeSimClient = () => insecure.close();
