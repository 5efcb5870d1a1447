import type { FastifyInstance } from 'fastify';
import type { Script } from './callbacks';
import type { ReceivedDelivery } from './deliveries';
import { faultProblem, type Fault, type Faults } from './faults';
import { receivedPage } from './received-page';

/** Why a script (from a JSON body) is not acceptable, or undefined. */
export function scriptProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'steps must be an array';
  for (const step of value) {
    if (typeof step === 'string') continue;
    const s = step as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.status !== 'string') return 'each step is a status code or { status, message?, delayMs?, documents?, generatedPdf? }';
    if (s.generatedPdf !== undefined && typeof s.generatedPdf !== 'boolean') return 'generatedPdf must be a boolean';
    if (s.message !== undefined && typeof s.message !== 'string') return 'message must be a string';
    if (s.delayMs !== undefined && !(Number.isInteger(s.delayMs) && (s.delayMs as number) >= 0)) return 'delayMs must be a non-negative integer';
    const docs = s.documents;
    if (docs !== undefined && !(Array.isArray(docs) && docs.every((d) => typeof d?.name === 'string' && typeof d?.contentType === 'string' && typeof d?.content === 'string'))) {
      return 'documents are [{ name, contentType, content (text) }]';
    }
  }
  return undefined;
}

export interface ControlContext {
  received: ReceivedDelivery[];
  faults: Faults;
  setScript: (applicationType: string, script: Script) => void;
  /** Back to the script given at start (or the default), for one type or, without one, for all. */
  resetScript: (applicationType?: string) => void;
}

/**
 * The test hooks, over HTTP for tests that run the local host as a child process, and the page a person
 * reads. Loopback only, no authentication: this is a simulator.
 */
export function registerControl(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/received', async (_request, reply) => reply.type('text/html; charset=utf-8').send(receivedPage(ctx.received)));
  app.get('/_control/received', async () => ctx.received);

  app.get('/_control/fault', async () => ({ fault: ctx.faults.peek() }));
  app.post('/_control/fault', async (request, reply) => {
    const problem = faultProblem(request.body);
    if (problem) return reply.code(400).send({ error: problem });
    ctx.faults.set(request.body as Fault);
    return { ok: true, fault: ctx.faults.peek() };
  });
  app.delete('/_control/fault', async () => {
    ctx.faults.clear();
    return { ok: true };
  });

  app.post<{ Body: { type?: unknown; steps?: unknown } }>('/_control/script', async (request, reply) => {
    const { type, steps } = request.body ?? {};
    const problem = typeof type !== 'string' || type === '' ? 'type must be an application type' : scriptProblem(steps);
    if (problem) return reply.code(400).send({ error: problem });
    ctx.setScript(type as string, steps as Script);
    return { ok: true };
  });
  app.delete<{ Querystring: { type?: string } }>('/_control/script', async (request) => {
    ctx.resetScript(request.query.type);
    return { ok: true };
  });
}
