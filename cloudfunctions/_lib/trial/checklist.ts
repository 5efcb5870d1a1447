import { AppError } from '../../../src/core/errors';
import { LINK_OBSERVATION_LABELS, type CheckKind, type LinkObservation } from '../../../src/core/trial';
import type { Caller, ServiceContext } from '../runtime/define';
import { centerSubject } from '../services/audit-names';

/**
 * The checklist's records (issue 15): who may check (testers of a province) and how a check's result is kept. The
 * parts of the trial that check or close a check call these: tester.ts (a tester's own record), findings.ts (a
 * finding closed on recheck), test-applications.ts (who may send a test case).
 */

/** The province a tester trials, or FORBIDDEN for anyone else. */
export function testerProvince(caller: Caller): string {
  const grant = caller.roles.find((r) => r.role === 'tester');
  if (!grant || grant.role !== 'tester') throw new AppError('FORBIDDEN', '仅内部测试人员可以进行试用检查');
  return grant.province;
}

/**
 * Stores a check's result (kept beside the ones before; the checklist shows the latest) and audits it. findings.ts
 * calls it with ok when a tester closes a finding on recheck, so the check reads 通过 again.
 */
export async function storeCheck(
  ctx: ServiceContext,
  input: { centerCode: string; check: CheckKind; ok: boolean; note: string | null; expected: string | null; observed: LinkObservation | null; by: string },
): Promise<void> {
  const { by, ...result } = input;
  await ctx.store.trialChecks.record({ ...result, checkedBy: by, checkedAt: ctx.now });
  await ctx.store.audit.append({
    at: ctx.now,
    actor: by,
    action: 'trial.check',
    subject: centerSubject(input.centerCode),
    detail: `${input.check} ${input.ok ? '通过' : '未通过'}${input.observed ? `（${LINK_OBSERVATION_LABELS[input.observed]}）` : ''}`,
  });
}
