import type { CheckKind, ChecklistAnswer, FindingStatus, FindingsAnswer, FindingView, LinkObservation, OptionalTestType, RecordAnswer, TestApplicationAnswer, TrialCentersAnswer } from '../core/trial';
import type { CenterWithDomains } from '../core/business-domains';
import { ok, type Result } from '../core/errors';
import { callFunction } from './cloud';

/** A hand check as the tester records it (`trial record`): what is right, what was seen, what the app saw, a screenshot. */
export interface CheckRecord {
  centerCode: string;
  check: CheckKind;
  ok: boolean;
  expected?: string;
  note?: string;
  observed?: LinkObservation;
  screenshot?: { fileId: string; name: string };
}

/**
 * The typed calls of the `trial` function (issue 15). `join` is for anyone signed in (it works before launch); the
 * others are for testers of the center's province (FORBIDDEN otherwise).
 */
export const trialCalls = {
  /** Redeems a trial invite: the caller becomes a tester of its province. */
  join: (code: string) => callFunction<{ province: string; provinceName: string }>('trial', { action: 'join', code }),
  /** The centers of the tester's province with their progress, and the province's readiness. */
  centers: () => callFunction<TrialCentersAnswer>('trial', { action: 'centers' }),
  checklist: (centerCode: string) => callFunction<ChecklistAnswer>('trial', { action: 'checklist', centerCode }),
  /** Answers the check's new line, and the finding it opened when `ok` is false. */
  record: (record: CheckRecord) => callFunction<RecordAnswer>('trial', { action: 'record', ...record }),
  testTransfer: (centerCode: string) => callFunction<TestApplicationAnswer>('trial', { action: 'testTransfer', centerCode }),
  testApplication: (centerCode: string, type: OptionalTestType) => callFunction<TestApplicationAnswer>('trial', { action: 'testApplication', centerCode, type }),
  /** The findings of the tester's province, all or of one status. */
  findings: (status?: FindingStatus) => callFunction<FindingsAnswer>('trial', status === undefined ? { action: 'findings' } : { action: 'findings', status }),
  /** Closes a fixed finding (`ok`), or opens it again with what is still wrong. */
  recheck: (findingId: string, ok: boolean, note?: string) =>
    callFunction<FindingView>('trial', note === undefined ? { action: 'recheck', findingId, ok } : { action: 'recheck', findingId, ok, note }),
};

/** What the checklist page shows: the center's checklist, and its directory record (its links as employees meet them). */
export interface ChecklistPageData {
  checklist: ChecklistAnswer;
  center: CenterWithDomains;
}

/**
 * A center's checklist and its directory record, asked together. The links are resolved from the record on the
 * page, as the employee's jump resolves them, without counting a jump (a tester's tap is not an employee's).
 */
export async function checklistWithCenter(centerCode: string): Promise<Result<ChecklistPageData>> {
  const [checklist, got] = await Promise.all([trialCalls.checklist(centerCode), callFunction<{ center: CenterWithDomains }>('centers', { action: 'get', code: centerCode })]);
  if (!checklist.ok) return checklist;
  if (!got.ok) return got;
  return ok({ checklist: checklist.data, center: got.data.center });
}
