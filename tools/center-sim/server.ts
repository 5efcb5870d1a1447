import Fastify from 'fastify';
import { itemById } from '../../src/core/items';
import { selfSignedTls, type Tls } from './tls';

/**
 * A reference city-center server on loopback HTTPS. For now it serves each center's online hall
 * (the page a fully-online jump lands on); the center API comes with transfer-continuation.
 */
export interface CenterSim {
  /** https://localhost:<port> */
  origin: string;
  tls: Tls;
  /** Hall page requests received, newest last: what a test or a person can check. */
  visits: { centerCode: string; item: number; at: Date }[];
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startCenterSim(options: { port?: number; host?: string; centerName?: (code: string) => string | undefined } = {}): Promise<CenterSim> {
  const tls = await selfSignedTls();
  const app = Fastify({ https: { key: tls.key, cert: tls.cert } });
  const visits: CenterSim['visits'] = [];

  app.get<{ Params: { code: string; item: string } }>('/hall/:code/:item', async (request, reply) => {
    const { code } = request.params;
    const item = itemById(Number(request.params.item));
    if (!/^\d{6}$/.test(code) || !item) return reply.code(404).type('text/html; charset=utf-8').send('<h1>页面不存在</h1>');
    visits.push({ centerCode: code, item: item.id, at: new Date() });
    const center = escapeHtml(options.centerName?.(code) ?? `中心 ${code}`);
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${center} 网上服务大厅</title></head>` +
          `<body><h1 id="hall-center">${center}</h1><h2 id="hall-item">${escapeHtml(item.name)}</h2>` +
          `<p>这是本地中心模拟器的网上服务大厅页面（模拟），真实中心在此办理业务。</p></body></html>`,
      );
  });

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const port = new URL(address).port;
  return { origin: `https://localhost:${port}`, tls, visits, close: () => app.close() };
}
