import { applyMove, moveFitsType, type ApplicationState, type CenterStatus, type Move } from '../../../src/core/applications/state-machine';
import type { StoredPayload } from '../../../src/core/applications/payloads';
import { isFinal, STATUS_LABELS } from '../../../src/core/applications/status';
import type { StatusContact } from '../../../src/core/center-api';
import { AppError } from '../../../src/core/errors';
import { yuanText, type Payment } from '../../../src/core/money';
import { shanghaiDate } from '../../../src/core/time';
import type { ServiceContext } from '../runtime/define';
import { notifyApplicant } from '../services/notify';
import type { ApplicationEventRecord, ApplicationRecord, Transition } from '../store/port';
import { outboxRecord, takesApi } from './deliveries';

/** The one place a move is applied to an application and recorded (the employee, a center's callback, its staff). */

/** Who makes a move, as written in the log. */
export interface Mover {
  actor: ApplicationEventRecord['actor'];
  actorId: string;
  centerCode: string | null;
}

/** What a move says: the timeline's line, and the reason and contact the center gave with the status, when it did. */
export interface MoveWords {
  message: string;
  reason?: string;
  contact?: StatusContact;
}

export type MoveOutcome = { kind: 'applied'; app: ApplicationRecord } | { kind: 'unchanged'; app: ApplicationRecord } | { kind: 'duplicate'; app: ApplicationRecord };

/** Why a center that takes part may not move an application: another center answers for it (now, or since a hand-over). */
export const NOT_RESPONSIBLE = '这笔申请现由另一中心办理，本中心不能更新状态';

/** Tries a move this many times when another writer got in first. */
const STALE_RETRIES = 5;

/**
 * The state a move leads to from the application as read, or undefined when it would change nothing; raises
 * ILLEGAL_TRANSITION for a refused move (or one of the wrong kind for the type).
 */
function nextState(app: ApplicationRecord, move: Move): ApplicationState | undefined {
  if (!moveFitsType(app.type, move)) throw new AppError('ILLEGAL_TRANSITION', app.type === 'transfer' ? '转移接续申请以平台状态代码办理' : '这类申请以办理状态办理，没有平台状态代码');
  const result = applyMove(app, move);
  if (result.ok) return result.next;
  if (result.unchanged) return undefined;
  throw new AppError('ILLEGAL_TRANSITION', result.reason);
}

/**
 * Whether a move would go through on the application as read, checked as moveApplication checks it, before
 * anything that comes with it (a document) is written: raises ILLEGAL_TRANSITION for a refused move, answers
 * false for one that would change nothing.
 */
export const moveWouldApply = (app: ApplicationRecord, move: Move): boolean => nextState(app, move) !== undefined;

/**
 * Moves an application through the state machine, once: re-reads and re-checks when another writer
 * moved it first; a refused move raises ILLEGAL_TRANSITION with the reason. `extras` makes what the move
 * brings (deliveries owed, documents, the center's webhook-id) part of the same transaction. `read`: the
 * application (and which of its centers take deliveries by API) as the caller read them already (a center's
 * callback reads them with its endpoint, staff's workbench to check the caller): the first try reads it no more.
 */
export async function moveApplication(
  ctx: ServiceContext,
  id: string,
  mover: Mover,
  move: Move,
  words: MoveWords,
  extras: (app: ApplicationRecord) => Pick<Transition, 'outbox' | 'documents' | 'receipt'> = () => ({}),
  read?: { app: ApplicationRecord; apiCenters?: () => Promise<ReadonlySet<string>> },
): Promise<MoveOutcome> {
  const api = async (code: string) => (read?.apiCenters ? (await read.apiCenters()).has(code) : takesApi(ctx, code));
  const { message, reason, contact } = words;
  for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
    const app = attempt === 0 && read ? read.app : await ctx.store.applications.get(id);
    if (!app) throw new AppError('APPLICATION_NOT_FOUND', '没有找到这笔申请');
    const reached = nextState(app, move);
    if (!reached) return { kind: 'unchanged', app };
    const endsTest = endsTestCase(app, reached.status);
    const next: ApplicationState = endsTest ? { ...reached, status: 'completed' } : reached;
    // a center answers only while it is responsible: checked on this read, and again by the store as it writes
    const centerMove = move.by === 'center';
    if (centerMove && app.responsibleCenter !== mover.centerCode) throw new AppError('ILLEGAL_TRANSITION', NOT_RESPONSIBLE);
    const payment = move.kind === 'status' ? move.payment : undefined;
    const handOver = handOverOf(app, next.status);
    const handOverOutbox = handOver && (await api(handOver)) ? [outboxRecord(app, handOver, 'application.submitted', ctx.now)] : [];
    const brought = extras(app);
    const outcome = await ctx.store.applications.transition({
      id,
      expected: { status: app.status, platformCode: app.platformCode, ...(centerMove ? { responsibleCenter: app.responsibleCenter } : {}) },
      next,
      event: { applicationId: id, at: ctx.now, ...mover, from: app.status, to: next.status, platformCode: next.platformCode, message: endsTest ? testEndMessage(message) : message, reason, contact },
      ...brought,
      outbox: [...(brought.outbox ?? []), ...handOverOutbox],
      handOver,
      payment,
    });
    if (outcome === 'duplicate') return { kind: 'duplicate', app };
    if (outcome === 'applied') {
      const moved: ApplicationRecord = {
        ...app,
        ...next,
        responsibleCenter: handOver ?? app.responsibleCenter,
        payment: payment ?? app.payment,
        updatedAt: ctx.now,
        inFlightKey: isFinal(next.status) ? null : app.inFlightKey,
      };
      if (handOverOutbox.length > 0) ctx.outside.nudgeRelay();
      if (mover.actor !== 'employee') await notifyApplicant(ctx, moved, words);
      return { kind: 'applied', app: moved };
    }
  }
  throw new Error(`application ${id} kept changing under ${STALE_RETRIES} attempts`);
}

/** The timeline's line for a status a center reports without words of its own. */
export function statusMessage(status: CenterStatus, payment: Payment | undefined): string {
  if (payment) return `缴存地中心已支付 ${yuanText(payment.amount)}（${payment.paidOn}）至本人银行账户`;
  if (status === 'verified') return '购房核验通过，已转交缴存地中心办理';
  return STATUS_LABELS[status];
}

/** The log's words when the platform ends a test purchase withdrawal the tested center has verified. */
const TEST_ENDED = '测试申请：购房地中心已核验，测试结束';
/** The center's own words stay beside it; the default line of a verification (which speaks of a hand-over) does not. */
const testEndMessage = (message: string) => (message === statusMessage('verified', undefined) ? TEST_ENDED : `${TEST_ENDED}（中心说明：${message}）`);

/**
 * A test purchase withdrawal ends where the center under test, the purchase-locale one, has verified it: the platform
 * completes it in the same move, with no hand-over and no payment, so the other center (a real one) never has it
 * (docs/center-api.md 4.9).
 */
const endsTestCase = (app: ApplicationRecord, next: ApplicationRecord['status']) => app.test && app.type === 'purchase-withdrawal' && next === 'verified';

/**
 * Whether the application has reached this center: it takes part in it, a purchase withdrawal's deposit-locale center
 * only from the hand-over on (decision 007). Before it the deposit-locale center has been sent nothing, and is never
 * sent anything of a withdrawal that ends there (docs/center-api.md 4.5), so neither its staff nor its API see it.
 */
export const hasReached = (app: ApplicationRecord, centerCode: string): boolean =>
  app.centers.some((c) => c.code === centerCode && (c.role !== 'deposit' || app.responsibleCenter === centerCode));

/** The center a purchase withdrawal passes to when the purchase-locale center has verified it. */
function handOverOf(app: ApplicationRecord, next: ApplicationRecord['status']): string | undefined {
  if (app.type !== 'purchase-withdrawal' || next !== 'verified') return undefined;
  return app.centers.find((c) => c.role === 'deposit')?.code;
}

/**
 * What is wrong with a payment the deposit-locale center reports, by field: more than the person asked for,
 * or paid before the application was made, against the application's form as the caller opened it. Empty
 * when it is fine.
 */
export function paymentProblems(app: ApplicationRecord, stored: StoredPayload, payment: Payment): Record<string, string> {
  const problems: Record<string, string> = {};
  if (stored.type === 'purchase-withdrawal' && payment.amount > stored.payload.amount) problems.amount = `实际提取金额不能超过申请提取金额 ${yuanText(stored.payload.amount)}`;
  if (payment.paidOn < shanghaiDate(app.createdAt)) problems.paidOn = '支付日期不能早于申请日期';
  return problems;
}
