import type { ApplicationView } from '../../../src/core/applications/views';
import type { ServiceContext } from '../runtime/define';
import { outboxRecord, takesApi } from './deliveries';
import { moveApplication } from './move';
import { applicationView, ownApplication } from './views';

/** The employee withdraws before the transfer-out center confirms receipt; a center with an API is told. */
export async function withdrawApplication(ctx: ServiceContext, openid: string, id: string): Promise<ApplicationView> {
  const app = await ownApplication(ctx, openid, id);
  const api = await takesApi(ctx, app.responsibleCenter);
  const moved = await moveApplication(ctx, id, { actor: 'employee', actorId: openid, centerCode: app.responsibleCenter }, { by: 'employee', kind: 'withdraw' }, '职工撤销申请', (current) => ({
    outbox: api ? [outboxRecord(current, current.responsibleCenter, 'application.withdrawn', ctx.now)] : [],
  }));
  if (moved.kind === 'applied' && api) ctx.outside.nudgeRelay();
  return applicationView(ctx, moved.app);
}
