import { Agent, request } from 'undici';
import type { ReceivedDelivery } from '../../tools/center-sim/server';

// the simulator's certificate is self-signed, made at each start
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** What the center simulator at `simOrigin` has received so far (GET /_control/received). */
export async function simReceived(simOrigin: string): Promise<ReceivedDelivery[]> {
  const res = await request(`${simOrigin}/_control/received`, { dispatcher: insecure });
  if (res.statusCode !== 200) throw new Error(`simulator answered ${res.statusCode} for /_control/received`);
  return (await res.body.json()) as ReceivedDelivery[];
}

/** Closes the connections to the simulator (afterAll). */
export const closeSimClient = () => insecure.close();
