import type { ServiceContext } from '../runtime/define';
import type { ApplicationRecord, ContractCheck } from '../store/port';
import { livePurchasesOf } from './submit';

/**
 * A co-buyer's hold (issue 17): a purchase withdrawal of a contract that another person's withdrawal, submitted
 * before it and still able to pay, already used is taken but held; the deposit-locale center pays it only once
 * staff of a center taking part have recorded 已核实 with a note (ContractCheck), so one contract is never paid
 * twice without a look.
 */
export const HELD_UNCHECKED = '该购房合同已有其他人申请提取，请先核对两笔申请并记录“已核实”，再办结支付';

export interface ContractHold {
  /** Whether the application is held: an earlier withdrawal of its contract by another person may pay. */
  held: boolean;
  check: ContractCheck | undefined;
}

/** Whether the application is held, and staff's check of it if recorded; `sameContract` when already read. */
export async function contractHoldOf(ctx: ServiceContext, app: ApplicationRecord, sameContract?: readonly ApplicationRecord[]): Promise<ContractHold> {
  if (app.type !== 'purchase-withdrawal' || app.contractLookup === undefined) return { held: false, check: undefined };
  const lookup = app.contractLookup;
  const [same, check] = await Promise.all([sameContract ?? ctx.store.applications.listByContract(lookup), ctx.store.contractChecks.get(app.id)]);
  const held = livePurchasesOf(same).some((a) => a.openid !== app.openid && a.createdAt < app.createdAt);
  return { held, check };
}

/** Whether paying the application must wait for staff's 已核实. */
export const awaitsCheck = (hold: ContractHold): boolean => hold.held && hold.check === undefined;
