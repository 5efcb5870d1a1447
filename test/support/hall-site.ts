import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedTls } from '../../tools/center-sim/tls';

export interface HallSite {
  /** `https://localhost:<port>` */
  origin: string;
  /** `localhost:<port>`, as the URL checks' `allow` names it. */
  host: string;
  /** The site's certificate, to trust for it alone (`allowCa`). */
  cert: string;
  /** How many requests it has answered since the last `resetHits`. */
  hits(): number;
  resetHits(): void;
  close(): Promise<void>;
}

/** A center's online hall on loopback HTTPS (the simulator's kind of certificate), answering every GET with its title. */
export async function startHallSite(title: string): Promise<HallSite> {
  const tls = await selfSignedTls();
  let hits = 0;
  const server = createServer(tls, (_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<title>${title}</title>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://localhost:${port}`,
    host: `localhost:${port}`,
    cert: tls.cert,
    hits: () => hits,
    resetHits: () => void (hits = 0),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
