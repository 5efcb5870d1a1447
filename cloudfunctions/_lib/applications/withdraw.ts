import type { ApplicationView } from '../../../src/core/applications/views';
import type { ServiceContext } from '../runtime/define';
import type { ApplicationRecord } from '../store/port';
import { outboxRecord, takesApi } from './deliveries';
import { moveApplication, type MoveOutcome, type Mover } from './move';
import { applicationView, ownApplication } from './views';

/**
 * Withdraws an application on the employee's behalf: by the employee, or by the platform (a tester's test case left
 * unaccepted past its limit, when they send the center a new one). A center with an API is told.
 */
export async function withdrawAs(ctx: ServiceContext, app: ApplicationRecord, by: Pick<Mover, 'actor' | 'actorId'>, message: string): Promise<MoveOutcome> {
  const api = await takesApi(ctx, app.responsibleCenter);
  const moved = await moveApplication(ctx, app.id, { ...by, centerCode: app.responsibleCenter }, { by: 'employee', kind: 'withdraw' }, { message }, (current) => ({
    outbox: api ? [outboxRecord(current, current.responsibleCenter, 'application.withdrawn', ctx.now)] : [],
  }));
  if (moved.kind === 'applied' && api) ctx.outside.nudgeRelay();
  return moved;
}

/** The employee withdraws before the transfer-out center confirms receipt; a center with an API is told. */
export async function withdrawApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  return applicationView(ctx, (await withdrawAs(ctx, app, { actor: 'employee', actorId: openid }, '职工撤销申请')).app);
}
