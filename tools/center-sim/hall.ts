import type { FastifyInstance } from 'fastify';
import { itemById } from '../../src/core/items';
import { escapeHtml } from './received-page';

export interface HallVisit {
  centerCode: string;
  item: number;
  at: Date;
}

/** An address (path and query, as requested: `/hall/321000/1`) told to fail, as a center's broken link does. */
export const HALL_PATH_PATTERN = /^\/hall\/\d{6}\/\d+(\?\S*)?$/;

/**
 * GET /hall/:code/:item: each center's online hall, the page a fully-online jump lands on. An address in `down`
 * answers 503 with an error page instead (the same hall under another query still opens: a corrected link).
 */
export function registerHall(app: FastifyInstance, visits: HallVisit[], down: ReadonlySet<string>, centerName?: (code: string) => string | undefined): void {
  app.get<{ Params: { code: string; item: string } }>('/hall/:code/:item', async (request, reply) => {
    const { code } = request.params;
    const item = itemById(Number(request.params.item));
    if (!/^\d{6}$/.test(code) || !item) return reply.code(404).type('text/html; charset=utf-8').send('<h1>页面不存在</h1>');
    if (down.has(request.url)) {
      return reply.code(503).type('text/html; charset=utf-8').send('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>服务暂停</title></head><body><h1 id="hall-down">503 服务暂停，页面无法打开</h1></body></html>');
    }
    visits.push({ centerCode: code, item: item.id, at: new Date() });
    const center = escapeHtml(centerName?.(code) ?? `中心 ${code}`);
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${center} 网上服务大厅</title></head>` +
          `<body><h1 id="hall-center">${center}</h1><h2 id="hall-item">${escapeHtml(item.name)}</h2>` +
          `<p>这是本地中心模拟器的网上服务大厅页面（模拟），真实中心在此办理业务。</p></body></html>`,
      );
  });
}
