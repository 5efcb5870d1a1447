import type { TransferFormValues } from '../../../src/core/applications/views';
import { toSummary } from '../../../src/core/centers';
import { AppError } from '../../../src/core/errors';
import type { ServiceContext } from '../runtime/define';
import { centersByCode } from '../services/centers';
import { openPayload } from './payload';
import { ownApplication } from './views';

/**
 * The form of the caller's own transfer as they filled it in, to apply again from it (重新申请 after a refusal):
 * their own data in full, answered to them alone (someone else's case is not found). The new case is checked
 * like any at submission (one in flight per person and item).
 */
export async function transferFormValues(ctx: ServiceContext, openid: string, id: string): Promise<TransferFormValues> {
  const app = await ownApplication(ctx, openid, id);
  const stored = openPayload(ctx.outside.keyring(), app);
  if (stored.type !== 'transfer') throw new AppError('VALIDATION_FAILED', '只有异地转移接续申请可以按原申请重新填写', { id: '不是转移接续申请' });
  const p = stored.payload;
  const centers = await centersByCode(ctx, [p.transferOutCenter, p.transferInCenter]);
  const summary = (code: string) => {
    const center = centers.get(code);
    return center ? toSummary(center) : undefined;
  };
  return {
    transferOutCenter: summary(p.transferOutCenter),
    transferInCenter: summary(p.transferInCenter),
    formerEmployer: p.formerEmployer,
    formerAccount: p.formerAccount ?? '',
    newEmployer: p.newEmployer,
    newAccount: p.newAccount,
    phone: p.phone,
  };
}
