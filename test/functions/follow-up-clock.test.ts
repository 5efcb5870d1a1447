import { handler as applications } from '../../cloudfunctions/applications';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { Caller } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import type { FollowUpView } from '../../src/core/applications/views';
import { catalogStore, contextFor, testOutside } from '../support/function-context';
import { verifiedPerson } from '../support/people';

/**
 * The 差评 clock (issue 18 point 3): a low rating is due for a call-back within 1 working day and a fix within 5, counted
 * on the official calendar, so a rating given the day before National Day is due after the holiday; the workbench shows
 * each follow-up's dates and whether its call-back is due today, overdue, or done.
 */
const NANJING = '320100';
/** Wednesday 2026-09-30, the day before the National Day holiday (10-01 to 10-07; Saturday 10-10 a make-up working day). */
const BEFORE_HOLIDAY = new Date('2026-09-30T16:00:00+08:00');
const staff: Caller = { openid: 'staff-clock-320100', roles: [{ role: 'center-staff', centerCode: NANJING }] };

let store: Store;
let outside: ReturnType<typeof testOutside>;
beforeAll(async () => {
  store = await catalogStore();
  outside = testOutside();
  await store.endpoints.put({ centerCode: NANJING, mode: 'manual', url: null, secretsSealed: [], updatedAt: BEFORE_HOLIDAY });
  await verifiedPerson(store, outside, staff.openid, BEFORE_HOLIDAY, '李四');
});
afterAll(() => store.close());

let serial = 0;
/** A person's transfer to 南京 ended 40 by its staff and rated 非常不满意 at `at`; answers its id. */
async function lowRated(at: Date): Promise<string> {
  const openid = `clock-${++serial}`;
  await verifiedPerson(store, outside, openid, at);
  const ctx = contextFor(store, { openid, roles: [] }, at, outside);
  const submitted = await applications.handle({ action: 'submit', type: 'transfer', requestId: `req-clock-${serial}`, payload: {
    transferOutCenter: '310000', transferInCenter: NANJING, formerEmployer: '上海某某科技有限公司', newEmployer: '南京某某制造有限公司', newAccount: '3201098765', phone: '13912345678',
  } }, ctx);
  if (!submitted.ok) throw new Error(submitted.message);
  const { id } = submitted.data as { id: string };
  for (const code of ['01', '40']) {
    const moved = await workbench.handle({ action: 'advance', id, code }, contextFor(store, staff, at, outside));
    if (!moved.ok) throw new Error(moved.message);
  }
  const rated = await applications.handle({ action: 'rate', id, score: 1, comment: '失败了也没人说明原因' }, ctx);
  if (!rated.ok) throw new Error(rated.message);
  return id;
}
async function followUpOn(id: string, day: string): Promise<FollowUpView | undefined> {
  const got = await workbench.handle({ action: 'followUps' }, contextFor(store, staff, new Date(`${day}T09:00:00+08:00`), outside));
  if (!got.ok) throw new Error(got.message);
  return (got.data as FollowUpView[]).find((f) => f.applicationId === id);
}

describe('the 差评 clock', () => {
  it('counts the call-back and the fix in working days across the National Day holiday and its make-up Saturday', async () => {
    const id = await lowRated(BEFORE_HOLIDAY);
    // 1 working day after 09-30 is 10-08; 5 are 10-08, 10-09, 10-10 (make-up Saturday), 10-12 and 10-13
    expect(await followUpOn(id, '2026-10-05')).toMatchObject({ callBackBy: '2026-10-08', fixBy: '2026-10-13', limitsProvisional: false, callBack: 'due', status: 'open' });
  });

  it('says the call-back is due on its day and overdue the day after, until the center records it', async () => {
    const id = await lowRated(BEFORE_HOLIDAY);
    expect(await followUpOn(id, '2026-10-08')).toMatchObject({ callBack: 'due-today' });
    expect(await followUpOn(id, '2026-10-09')).toMatchObject({ callBack: 'overdue' });
    const closed = await workbench.handle({ action: 'closeFollowUp', id, note: '已电话回访，说明原因并致歉' }, contextFor(store, staff, new Date('2026-10-09T10:00:00+08:00'), outside));
    expect(closed.ok).toBe(true);
    expect(await followUpOn(id, '2026-10-10')).toMatchObject({ callBack: 'done', status: 'closed' });
  });
});
