import type { FastifyInstance } from 'fastify';
import type { Script } from './callbacks';
import { CENTER_ROLES, isCenterRole } from './contract';
import type { ReceivedDelivery } from './deliveries';
import { HALL_PATH_PATTERN } from './hall';
import { faultProblem, type Fault, type Faults } from './faults';
import { receivedPage } from './received-page';

/** Why a script (from a JSON body) is not acceptable, or undefined. */
export function scriptProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'steps must be an array';
  for (const step of value) {
    if (typeof step === 'string') continue;
    const s = step as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.status !== 'string') return 'each step is a status code or { status, message?, reason?, contact?, delayMs?, documents?, generatedPdf?, payment? }';
    if (s.generatedPdf !== undefined && typeof s.generatedPdf !== 'boolean') return 'generatedPdf must be a boolean';
    const payment = s.payment as Record<string, unknown> | null | undefined;
    if (payment !== undefined && (typeof payment !== 'object' || payment === null || Array.isArray(payment))) return 'payment is { amount?, paidOn? }';
    if (payment?.amount !== undefined && !Number.isFinite(payment.amount)) return 'payment.amount must be a number (yuan)';
    if (payment?.paidOn !== undefined && typeof payment.paidOn !== 'string') return 'payment.paidOn must be a string (YYYY-MM-DD)';
    if (s.message !== undefined && typeof s.message !== 'string') return 'message must be a string';
    if (s.reason !== undefined && typeof s.reason !== 'string') return 'reason must be a string';
    const contact = s.contact as Record<string, unknown> | null | undefined;
    if (contact !== undefined && (typeof contact !== 'object' || contact === null || typeof contact.name !== 'string' || typeof contact.phone !== 'string')) return 'contact is { name, phone }';
    if (s.delayMs !== undefined && !(Number.isInteger(s.delayMs) && (s.delayMs as number) >= 0)) return 'delayMs must be a non-negative integer';
    const docs = s.documents;
    if (docs !== undefined && !(Array.isArray(docs) && docs.every((d) => typeof d?.name === 'string' && typeof d?.contentType === 'string' && typeof d?.content === 'string'))) {
      return 'documents are [{ name, contentType, content (text) }]';
    }
  }
  return undefined;
}

const roleProblem = `role must be one of ${CENTER_ROLES.join(', ')}`;

export interface ControlContext {
  received: ReceivedDelivery[];
  faults: Faults;
  /** For one role of a type, or for every role of it when no role is given. */
  setScript: (applicationType: string, script: Script, role?: string) => void;
  /** Back to the script given at start (or the default): for one role of a type, every role of a type, or everything. */
  resetScript: (applicationType?: string, role?: string) => void;
  /** Whether deliveries' signatures are checked (false: any signature is taken). */
  verifySignatures: () => boolean;
  setVerifySignatures: (verify: boolean) => void;
  setUnanswered: (code: string, unanswered: boolean) => void;
  setHallDown: (path: string, down: boolean) => void;
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

  app.get('/_control/signatures', async () => ({ verify: ctx.verifySignatures() }));
  app.post<{ Body: { verify?: unknown } }>('/_control/signatures', async (request, reply) => {
    const verify = request.body?.verify;
    if (typeof verify !== 'boolean') return reply.code(400).send({ error: 'verify must be a boolean' });
    ctx.setVerifySignatures(verify);
    return { ok: true, verify };
  });

  app.post<{ Body: { center?: unknown; unanswered?: unknown } }>('/_control/unanswered', async (request, reply) => {
    const { center, unanswered } = request.body ?? {};
    if (typeof center !== 'string' || !/^\d{6}$/.test(center)) return reply.code(400).send({ error: 'center must be a 6-digit center code' });
    if (typeof unanswered !== 'boolean') return reply.code(400).send({ error: 'unanswered must be a boolean' });
    ctx.setUnanswered(center, unanswered);
    return { ok: true, center, unanswered };
  });

  app.post<{ Body: { path?: unknown; down?: unknown } }>('/_control/hall', async (request, reply) => {
    const { path, down } = request.body ?? {};
    if (typeof path !== 'string' || !HALL_PATH_PATTERN.test(path)) return reply.code(400).send({ error: 'path must be a hall address: /hall/<center code>/<item>[?query]' });
    if (typeof down !== 'boolean') return reply.code(400).send({ error: 'down must be a boolean' });
    ctx.setHallDown(path, down);
    return { ok: true, path, down };
  });

  app.post<{ Body: { type?: unknown; role?: unknown; steps?: unknown } }>('/_control/script', async (request, reply) => {
    const { type, role, steps } = request.body ?? {};
    const problem =
      typeof type !== 'string' || type === '' ? 'type must be an application type' : role !== undefined && !isCenterRole(role) ? roleProblem : scriptProblem(steps);
    if (problem) return reply.code(400).send({ error: problem });
    ctx.setScript(type as string, steps as Script, role as string | undefined);
    return { ok: true };
  });
  app.delete<{ Querystring: { type?: string; role?: string } }>('/_control/script', async (request, reply) => {
    const { type, role } = request.query;
    if (role !== undefined && (type === undefined || !isCenterRole(role))) return reply.code(400).send({ error: type === undefined ? 'role needs a type' : roleProblem });
    ctx.resetScript(type, role);
    return { ok: true };
  });
}
