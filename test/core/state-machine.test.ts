import { applyMove, CENTER_STATUSES, centerMove, moveFitsType, nextCodes, nextStatuses, TRANSFER_CODE_LIST, TRANSFER_CODES, type ApplicationState, type Move, type TransferCode } from '../../src/core/applications/state-machine';
import { APPLICATION_TYPES, type ApplicationStatus, type ApplicationType } from '../../src/core/applications/status';
import { stepOf, stepsOf, type StepName } from '../../src/core/applications/steps';
import type { Payment } from '../../src/core/money';

/**
 * The state machine as tables written out by hand (not derived from the code's own tables): for every
 * application type, every state it can be in, and every move anyone can make, the outcome: the new status and
 * platform code, "unchanged" (a repeat of a move already in effect), or a refusal with a reason.
 */

const PAYMENT: Payment = { amount: 12345.6, paidOn: '2026-01-05' };

/** A state by name: a status without a code, or (transfers) a platform code with the status it puts the application in. */
type StateName = ApplicationStatus | TransferCode;
const stateOf = (name: StateName): ApplicationState =>
  name in TRANSFER_CODES ? { status: TRANSFER_CODES[name as TransferCode].status, platformCode: name as TransferCode } : { status: name as ApplicationStatus, platformCode: null };

/** A move by name: `delivered`, `withdraw`, `reject`, `code:<code>`, `status:<status>`, `status:completed+payment`. */
type MoveName = string;
function moveOf(name: MoveName): Move {
  if (name === 'delivered') return { by: 'relay', kind: 'delivered' };
  if (name === 'withdraw') return { by: 'employee', kind: 'withdraw' };
  if (name === 'reject') return { by: 'center', kind: 'reject' };
  if (name.startsWith('code:')) return { by: 'center', kind: 'code', code: name.slice(5) as TransferCode };
  const [status, paid] = name.slice(7).split('+');
  return { by: 'center', kind: 'status', status: status as (typeof CENTER_STATUSES)[number], ...(paid ? { payment: PAYMENT } : {}) };
}

const CODE_MOVES = TRANSFER_CODE_LIST.map((code) => `code:${code}`);
const STATUS_MOVES = [...CENTER_STATUSES.map((status) => `status:${status}`), ...CENTER_STATUSES.map((status) => `status:${status}+payment`)];
/** Every move a type may be offered: transfers move by codes, every other type by statuses (moveFitsType). */
const movesFor = (type: ApplicationType): MoveName[] => ['delivered', 'withdraw', 'reject', ...(type === 'transfer' ? CODE_MOVES : STATUS_MOVES)];

/** Legal moves per state, to the state they lead to; every other move is refused or, where noted, unchanged. */
type Table = Partial<Record<StateName, Record<MoveName, StateName | { status: ApplicationStatus; platformCode: TransferCode | null }>>>;

const TRANSFER: Table = {
  submitted: { delivered: 'delivered', withdraw: 'withdrawn', reject: 'rejected', 'code:01': '01', 'code:05': '05', 'code:40': '40' },
  delivered: { withdraw: 'withdrawn', reject: 'rejected', 'code:01': '01', 'code:05': '05', 'code:40': '40' },
  '01': { withdraw: { status: 'withdrawn', platformCode: '01' }, 'code:02': '02', 'code:05': '05', 'code:06': '06', 'code:13': '13', 'code:40': '40' },
  '02': { 'code:08': '08', 'code:06': '06', 'code:13': '13', 'code:00': '00', 'code:40': '40' },
  '08': { 'code:06': '06', 'code:13': '13', 'code:00': '00', 'code:40': '40' },
  '06': { 'code:13': '13', 'code:00': '00', 'code:20': '20', 'code:40': '40' },
  '13': { 'code:06': '06', 'code:20': '20', 'code:40': '40' },
  '00': {},
  '05': {},
  '20': {},
  '40': {},
  withdrawn: {},
  rejected: {},
};

/** One center handles it: the two certificates and the in-app service requests. */
const ONE_CENTER: Table = {
  submitted: { delivered: 'delivered', withdraw: 'withdrawn', reject: 'rejected', 'status:accepted': 'accepted', 'status:failed': 'failed' },
  delivered: { withdraw: 'withdrawn', reject: 'rejected', 'status:accepted': 'accepted', 'status:failed': 'failed' },
  accepted: { withdraw: 'withdrawn', 'status:processing': 'processing', 'status:completed': 'completed', 'status:failed': 'failed' },
  processing: { 'status:completed': 'completed', 'status:failed': 'failed' },
  completed: {},
  failed: {},
  withdrawn: {},
  rejected: {},
};

/** 两地联办: the purchase-locale center accepts and verifies; the deposit-locale center handles and pays (with the payment). */
const PURCHASE: Table = {
  submitted: { delivered: 'delivered', withdraw: 'withdrawn', reject: 'rejected', 'status:accepted': 'accepted', 'status:failed': 'failed' },
  delivered: { withdraw: 'withdrawn', reject: 'rejected', 'status:accepted': 'accepted', 'status:failed': 'failed' },
  accepted: { withdraw: 'withdrawn', 'status:verified': 'verified', 'status:failed': 'failed' },
  verified: { 'status:processing': 'processing', 'status:completed+payment': 'completed', 'status:failed': 'failed' },
  processing: { 'status:completed+payment': 'completed', 'status:failed': 'failed' },
  completed: {},
  failed: {},
  withdrawn: {},
  rejected: {},
};

const TABLES: Record<ApplicationType, Table> = {
  transfer: TRANSFER,
  'certificate-loan-cleared': ONE_CENTER,
  'certificate-deposit-use': ONE_CENTER,
  'service-request': ONE_CENTER,
  'purchase-withdrawal': PURCHASE,
};

/** A move already in effect: a late delivery receipt, the same status or code again, a withdrawal the center confirms with 05. */
function isRepeat(state: StateName, move: MoveName): boolean {
  const { status, platformCode } = stateOf(state);
  if (move === 'delivered') return status !== 'submitted';
  if (move === 'withdraw') return status === 'withdrawn';
  if (move === 'reject') return status === 'rejected';
  if (move.startsWith('code:')) return move.slice(5) === platformCode || (status === 'withdrawn' && move === 'code:05');
  return move.slice(7).split('+')[0] === status;
}

type Outcome = { next: ApplicationState } | 'unchanged' | 'refused';
const ROWS: [ApplicationType, StateName, MoveName, Outcome][] = APPLICATION_TYPES.flatMap((type) =>
  Object.entries(TABLES[type]).flatMap(([state, legal]) =>
    movesFor(type).map((move): [ApplicationType, StateName, MoveName, Outcome] => {
      const to = legal?.[move];
      if (to !== undefined) return [type, state as StateName, move, { next: typeof to === 'string' ? stateOf(to) : to }];
      return [type, state as StateName, move, isRepeat(state as StateName, move) ? 'unchanged' : 'refused'];
    }),
  ),
);

describe('the application state machine, every type, state and move', () => {
  it('covers every type with at least one legal, one repeated and one refused move', () => {
    for (const type of APPLICATION_TYPES) {
      const rows = ROWS.filter((row) => row[0] === type);
      expect(rows.some((row) => typeof row[3] === 'object')).toBe(true);
      expect(rows.some((row) => row[3] === 'unchanged')).toBe(true);
      expect(rows.some((row) => row[3] === 'refused')).toBe(true);
    }
    expect(ROWS.length).toBeGreaterThan(300);
  });

  it.each(ROWS)('a %s application in state %s, moved by %s, ends as the table says', (type, state, move, outcome) => {
    const result = applyMove({ ...stateOf(state), type }, moveOf(move));
    if (outcome === 'unchanged') {
      expect(result).toEqual({ ok: false, unchanged: true });
    } else if (outcome === 'refused') {
      expect(result).toEqual({ ok: false, unchanged: false, reason: expect.stringMatching(/\S/) });
    } else {
      expect(result.ok).toBe(true);
      const next = result.ok ? result.next : undefined;
      expect({ status: next?.status, platformCode: next?.platformCode }).toEqual(outcome.next);
    }
  });

  it.each(APPLICATION_TYPES)('offers a %s application exactly the legal center moves of the table on the workbench', (type) => {
    for (const [state, legal] of Object.entries(TABLES[type])) {
      const typed = { ...stateOf(state as StateName), type };
      const legalMoves = Object.keys(legal ?? {});
      const codes = legalMoves.filter((m) => m.startsWith('code:')).map((m) => m.slice(5));
      const statuses = legalMoves.filter((m) => m.startsWith('status:')).map((m) => m.slice(7).split('+')[0]);
      if (type === 'transfer') expect([state, nextCodes(typed)]).toEqual([state, TRANSFER_CODE_LIST.filter((c) => codes.includes(c))]);
      else expect([state, nextStatuses(typed)]).toEqual([state, CENTER_STATUSES.filter((s) => statuses.includes(s))]);
    }
  });

  it('refuses a code move for every type but transfers, and a status move for transfers', () => {
    for (const type of APPLICATION_TYPES) {
      expect(moveFitsType(type, moveOf('code:01'))).toBe(type === 'transfer');
      expect(moveFitsType(type, moveOf('status:accepted'))).toBe(type !== 'transfer');
      for (const move of ['delivered', 'withdraw', 'reject']) expect(moveFitsType(type, moveOf(move))).toBe(true);
    }
  });

  it.each([
    ['withdrawing a transfer the transfer-out center has confirmed', 'transfer', '02', 'withdraw', '转出地中心已确认接收，不能再撤销，如需撤销请联系中心'],
    ['withdrawing a certificate being issued', 'certificate-loan-cleared', 'processing', 'withdraw', '中心已开始办理，不能再撤销，如需撤销请联系中心'],
    ['withdrawing a finished application', 'service-request', 'completed', 'withdraw', '申请已办结，不能撤销'],
    ['rejecting an accepted application', 'certificate-deposit-use', 'accepted', 'reject', '申请已受理，不能再不予受理'],
    ['paying a purchase withdrawal without the payment', 'purchase-withdrawal', 'verified', 'status:completed', '办结购房提取须填写实际提取金额和支付日期'],
    ['a payment on a purchase withdrawal not being completed', 'purchase-withdrawal', 'accepted', 'status:verified+payment', '只有缴存地中心办结购房提取时才填写提取金额'],
    ['a payment on a certificate', 'certificate-loan-cleared', 'accepted', 'status:completed+payment', '这类申请没有提取金额'],
    ['a code skipping the transfer-out confirmation', 'transfer', '01', 'code:00', '不能从“01 联系函复核通过”变为“00 正常办结”'],
    ['a code back to an earlier one', 'transfer', '08', 'code:02', '不能从“08 账户信息复核通过”变为“02 联系函确认接收”'],
    ['a certificate jumping from submitted to completed', 'certificate-loan-cleared', 'submitted', 'status:completed', '不能从“已提交”变为“已办结”'],
    ['a code after the transfer has ended', 'transfer', '00', 'code:01', '申请状态为“已办结”，已经结束，不能再变更'],
  ] as const)('gives the reason when refusing %s', (_case, type, state, move, reason) => {
    expect(applyMove({ ...stateOf(state), type }, moveOf(move))).toEqual({ ok: false, unchanged: false, reason });
  });
});

describe('the step the employee sees', () => {
  const STEPS: Record<ApplicationType, Partial<Record<StateName, StepName>>> = {
    transfer: {
      submitted: '提交',
      delivered: '送达中心',
      '01': '受理',
      '02': '转出地确认',
      '08': '转出地确认',
      '06': '协商中',
      '13': '协商中',
      '00': '办结',
      '20': '办结',
      '05': '已撤销',
      '40': '失败',
      withdrawn: '已撤销',
      rejected: '不予受理',
    },
    'certificate-loan-cleared': { submitted: '提交', delivered: '送达中心', accepted: '受理', processing: '出具证明', completed: '办结', failed: '失败', withdrawn: '已撤销', rejected: '不予受理' },
    'certificate-deposit-use': { submitted: '提交', delivered: '送达中心', accepted: '受理', processing: '出具证明', completed: '办结', failed: '失败', withdrawn: '已撤销', rejected: '不予受理' },
    'service-request': { submitted: '提交', delivered: '送达中心', accepted: '受理', processing: '办理中', completed: '办结', failed: '失败', withdrawn: '已撤销', rejected: '不予受理' },
    'purchase-withdrawal': {
      submitted: '提交',
      delivered: '送达中心',
      accepted: '购房地核验',
      verified: '缴存地办理',
      processing: '缴存地办理',
      completed: '办结',
      failed: '失败',
      withdrawn: '已撤销',
      rejected: '不予受理',
    },
  };
  const ROWS_STEPS = APPLICATION_TYPES.flatMap((type) => Object.entries(STEPS[type]).map(([state, step]) => [type, state as StateName, step as StepName] as const));

  it('has a step for every state of the state machine table', () => {
    for (const type of APPLICATION_TYPES) expect(Object.keys(STEPS[type]).sort()).toEqual(Object.keys(TABLES[type]).sort());
  });

  it.each(ROWS_STEPS)('shows a %s application in state %s at step %s, one of its steps or an end off them', (type, state, step) => {
    expect(stepOf(type, stateOf(state))).toBe(step);
    expect([...stepsOf(type), '失败', '已撤销', '不予受理']).toContain(step);
  });
});

describe('what a center reports, as a move', () => {
  const REPORTED = ['01', '02', '08', '06', '13', '00', '05', '20', '40', 'submitted', 'delivered', 'accepted', 'verified', 'processing', 'completed', 'failed', 'rejected', 'withdrawn', 'ok'];
  /** The move each report stands for, per type; a report missing here stands for none. */
  const MOVES: Record<'transfer' | 'one-center' | 'purchase-withdrawal', Record<string, MoveName>> = {
    transfer: Object.fromEntries(TRANSFER_CODE_LIST.map((code) => [code, `code:${code}`])),
    'one-center': { accepted: 'status:accepted', processing: 'status:processing', completed: 'status:completed', failed: 'status:failed', rejected: 'reject' },
    'purchase-withdrawal': { accepted: 'status:accepted', verified: 'status:verified', processing: 'status:processing', completed: 'status:completed', failed: 'status:failed', rejected: 'reject' },
  };
  const kindOf = (type: ApplicationType) => (type === 'transfer' || type === 'purchase-withdrawal' ? type : 'one-center');
  const ROWS_REPORTED = APPLICATION_TYPES.flatMap((type) => REPORTED.map((reported) => [type, reported, MOVES[kindOf(type)][reported] ?? 'no move'] as const));

  it.each(ROWS_REPORTED)('reads a %s application reported %s as %s', (type, reported, move) => {
    expect(centerMove(type, reported)).toEqual(move === 'no move' ? undefined : moveOf(move));
  });

  it('carries the payment of a completed purchase withdrawal into the move', () => {
    expect(centerMove('purchase-withdrawal', 'completed', PAYMENT)).toEqual(moveOf('status:completed+payment'));
  });
});
