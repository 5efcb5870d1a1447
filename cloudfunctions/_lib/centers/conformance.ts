import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { ServiceRequestPayload, StoredAttachment, StoredPayload, StoredPurchaseWithdrawal } from '../../../src/core/applications/payloads';
import { applyMove, centerMove, isTransferCode, TRANSFER_CODES, type TypedState } from '../../../src/core/applications/state-machine';
import { isFinal, TRANSFER_ACCEPT_WORKING_DAYS, TYPE_LABELS, type CenterRole } from '../../../src/core/applications/status';
import { shanghaiDate } from '../../../src/core/time';
import type { ConformanceCheck, ConformanceReport, ReceivedCallback } from '../../../src/core/center-portal';
import type { WorkingDate } from '../../../src/core/working-days';
import { generateKeyringEnv, openBytes, parseKeyring, seal, sealBytes, sealedAs, type Keyring } from '../crypto/personal-data';
import type { OutboundClient, PostOutcome } from '../delivery/http';
import { deliveryBody } from '../delivery/messages';
import { packageCalendar, type Calendar } from '../services/calendar';
import { newSecret, signHeaders } from '../delivery/signing';
import type { ApplicationRecord, DocumentRecord, OutboxRecord, OutboxType } from '../store/port';
import { outboxRecord } from '../applications/deliveries';
import { openPayload, sealPayload } from '../applications/payload';
import { TEST_DOC_NUMBER, TEST_JPEG, TEST_NAME, TEST_PDF, TEST_PHONE, testCertificateForm, testPurchaseForm, testTransferForm } from '../applications/synthetic';
import { CONFORMANCE_ID_PREFIX } from './conformance-callbacks';

/**
 * The center conformance suite (issue 6, docs/center-api.md 第 9 节): signed test deliveries of every kind the
 * platform sends, built by the platform's own deliveryBody from test applications sealed like stored ones, so
 * a center is tested against exactly what production sends; a bad signature and a stale timestamp it must
 * refuse; a repeated delivery it must take as one; and the signed callbacks it must send. The report is in
 * Chinese, for the center's engineers.
 */
export interface ConformanceTarget {
  centerCode: string;
  /** The center's delivery endpoint. */
  url: string;
  /** The center's whsec_ secret: the suite signs with it and checks the callbacks with it. */
  secret: string;
}

/** Where the center's callbacks for the test applications arrive, and how to read them back (verified). */
export interface CallbackInbox {
  /** The suite puts `${callbackBase}/callbacks/${centerCode}` in each delivery. */
  callbackBase: string;
  received(applicationId: string): Promise<ReceivedCallback[]>;
}


export interface ConformanceOptions {
  /** The platform's delivery client (createOutboundClient). */
  outbound: OutboundClient;
  inbox: CallbackInbox;
  /** How long to wait for the callbacks after the last delivery; CALLBACK_WAIT_MS unless given. */
  callbackWaitMs?: number;
  /** The clock deliveries are stamped and signed with; the wall clock unless given. */
  now?: () => Date;
  /** The official calendar the test applications' acceptBy is computed on (the platform's); the package's years alone unless given. */
  calendar?: Pick<Calendar, 'addWorkingDays'>;
}

/** The synthetic applicant's ID number and attachments, as the suite's tests and tools import them. */
export { TEST_DOC_NUMBER, TEST_JPEG, TEST_PDF };

export const CALLBACK_WAIT_MS = 30_000;
/** How old the stale delivery's webhook-timestamp is: twice the 5 minutes a receiver tolerates. */
const STALE_BY_MS = 10 * 60_000;
const POLL_MS = 200;

function testApplicationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return CONFORMANCE_ID_PREFIX + Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}


/**
 * The other center of a two-center test application: Nanjing, or Yangzhou when Nanjing is the one under test
 * (the pair docs/center-api.md uses in its examples).
 */
const peerOf = (centerCode: string) => (centerCode === '320100' ? '321000' : '320100');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');


/** A test application as the store keeps it (personal data and attachments sealed), with where it goes. */
interface TestApplication {
  app: ApplicationRecord;
  /** The role of the center under test in it. */
  role: CenterRole;
  /** Sealed attachment bytes by attachment id, as the file store keeps them. */
  sealedFiles: Map<string, Buffer>;
}

/** Builds the suite's test applications, every one for the center under test, sealed with an ephemeral keyring. */
class TestApplications {
  readonly keyring: Keyring = parseKeyring(generateKeyringEnv('conf'));
  private readonly letterSequences = new Set<number>();
  private readonly peer: string;

  constructor(
    private readonly centerCode: string,
    private readonly at: Date,
    private readonly acceptBy: WorkingDate,
  ) {
    this.peer = peerOf(centerCode);
  }

  transfer(): TestApplication {
    const form = testTransferForm(this.centerCode, this.peer);
    return this.make({ type: 'transfer', payload: form }, 'transfer-in', [{ code: this.centerCode, role: 'transfer-in' }, { code: this.peer, role: 'transfer-out' }], this.letterNumber());
  }

  /** A certificate the center under test issues (`business`), or one another center issues and it took in (`accepting`). */
  certificate(role: 'business' | 'accepting'): TestApplication {
    const [business, accepting] = role === 'business' ? [this.centerCode, this.peer] : [this.peer, this.centerCode];
    const form = testCertificateForm(business, accepting);
    return this.make({ type: 'certificate-loan-cleared', payload: form }, role, [{ code: business, role: 'business' }, { code: accepting, role: 'accepting' }], null);
  }

  /** A purchase withdrawal at the center under test as the purchase-locale center, with a PDF contract and a JPEG invoice. */
  purchase(): TestApplication {
    const files = [
      { kind: 'contract' as const, name: '测试购房合同.pdf', contentType: 'application/pdf', bytes: TEST_PDF },
      { kind: 'invoice' as const, name: '测试购房发票.jpg', contentType: 'image/jpeg', bytes: TEST_JPEG },
    ];
    const sealedFiles = new Map<string, Buffer>();
    const attachments: StoredAttachment[] = files.map(({ kind, name, contentType, bytes }) => {
      const id = randomBytes(10).toString('hex');
      sealedFiles.set(id, sealBytes(this.keyring, sealedAs.attachment(CONFORMANCE_ID_PREFIX, id), bytes));
      return { id, kind, name, contentType, sha256: sha256(bytes), size: bytes.length, storageKey: `attachments/conformance/${id}` };
    });
    const form: StoredPurchaseWithdrawal = { ...testPurchaseForm(this.centerCode, this.peer, shanghaiDate(this.at)), attachments };
    const test = this.make({ type: 'purchase-withdrawal', payload: form }, 'purchase', [{ code: this.centerCode, role: 'purchase' }, { code: this.peer, role: 'deposit' }], null);
    return { ...test, sealedFiles };
  }

  serviceRequest(): TestApplication {
    const form: ServiceRequestPayload = { center: this.centerCode, item: 6, phone: TEST_PHONE, description: '接口联调测试申请，非真实业务，请勿办理' };
    return this.make({ type: 'service-request', payload: form }, 'business', [{ code: this.centerCode, role: 'business' }], null);
  }

  /** The delivery the relay would send for a stored record of `type`, for the center under test. */
  record(test: TestApplication, type: OutboxType, at: Date): OutboxRecord {
    return outboxRecord(test.app, this.centerCode, type, at);
  }

  /** A purchase withdrawal's attachments opened, as the relay opens them for its delivery. */
  openedFiles(test: TestApplication): Map<string, Buffer> {
    return new Map([...test.sealedFiles].map(([id, sealed]) => [id, openBytes(this.keyring, sealedAs.attachment(CONFORMANCE_ID_PREFIX, id), sealed)]));
  }

  /**
   * A transfer's contact letter number: the transfer-in center, today in China, and a sequence number not used in this
   * run, marked T like every test case's (docs/center-api.md 4.9): never a number of the center's official sequence.
   */
  private letterNumber(): string {
    let sequence: number;
    do sequence = randomInt(1, 10_000);
    while (this.letterSequences.has(sequence));
    this.letterSequences.add(sequence);
    const today = shanghaiDate(this.at);
    return `T${this.centerCode}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}${String(sequence).padStart(4, '0')}`;
  }

  /** `centers` lists the responsible center first. */
  private make(stored: StoredPayload, role: CenterRole, centers: ApplicationRecord['centers'], letterNumber: string | null): TestApplication {
    const id = testApplicationId();
    const app: ApplicationRecord = {
      id,
      type: stored.type,
      openid: CONFORMANCE_ID_PREFIX,
      requestId: id,
      status: 'submitted',
      platformCode: null,
      responsibleCenter: centers[0].code,
      centers,
      inFlightKey: null,
      letterNumber,
      applicant: {
        docType: '01',
        nameSealed: seal(this.keyring, sealedAs.name(CONFORMANCE_ID_PREFIX), TEST_NAME),
        docNumberSealed: seal(this.keyring, sealedAs.docNumber(CONFORMANCE_ID_PREFIX), TEST_DOC_NUMBER),
      },
      payloadSealed: sealPayload(this.keyring, id, stored.payload),
      acceptBy: this.acceptBy.date,
      acceptByProvisional: this.acceptBy.provisional,
      // no completion target: the test applications are never stored, only delivered
      targetBy: null,
      targetProvisional: false,
      payment: null,
      // every delivery of a test case says so (docs/center-api.md): the center routes it to its test system
      test: true,
      createdAt: this.at,
      updatedAt: this.at,
    };
    return { app, role, sealedFiles: new Map() };
  }
}

/** The certificate an `application.completed` describes: the test PDF, as if the business-locale center had issued it. */
function issuedCertificate(test: TestApplication, issuedBy: string, at: Date): DocumentRecord {
  return {
    id: randomBytes(10).toString('hex'),
    applicationId: test.app.id,
    centerCode: issuedBy,
    name: `${TYPE_LABELS[test.app.type]}.pdf`,
    contentType: 'application/pdf',
    sha256: sha256(TEST_PDF),
    size: TEST_PDF.length,
    storageKey: '',
    at,
  };
}

/** 2xx, or 409 for an application the center already has: what the platform counts as delivered. */
const isAccepted = (outcome: PostOutcome) => outcome.kind === 'answered' && ((outcome.status >= 200 && outcome.status < 300) || outcome.status === 409);
const answerText = (outcome: PostOutcome) => (outcome.kind === 'answered' ? `HTTP ${outcome.status}` : `未能送达（${outcome.error}）`);

/** Why a correctly signed delivery was not taken, and what to look at. */
function refusalHint(outcome: PostOutcome): string {
  if (outcome.kind === 'failed') return `未能送达：${outcome.error}`;
  const { status } = outcome;
  const said = `中心答复 HTTP ${status}，应为 2xx（已有的申请可答 409）`;
  if (status === 401 || status === 403) return `${said}：签名正确的推送被拒绝，请核对密钥、按原始请求体计算签名、校准服务器时钟（第 3 节）`;
  if (status >= 300 && status < 400) return `${said}：平台不跟随重定向，请登记最终的接口地址（第 2 节）`;
  if (status === 400 || status === 422) return `${said}：请对照第 4 节核对字段，不认识的字段和事件类型应忽略并答复 2xx（第 6 节）`;
  if (status === 404) return `${said}：接口地址不对，或中心不认识推送中的中心代码`;
  return said;
}

/** Each callback once: a retry of one callback keeps its webhook-id. */
function distinct(callbacks: readonly ReceivedCallback[]): ReceivedCallback[] {
  const seen = new Set<string>();
  return callbacks.filter((c) => {
    if (seen.has(c.webhookId)) return false;
    seen.add(c.webhookId);
    return true;
  });
}

/**
 * What is wrong with an application's callbacks, in order: unsigned or off the contract, a status this type
 * does not have, a change the platform's state machine refuses (it would answer 422), and a purchase-locale
 * center calling back after `verified` (the application is the deposit-locale center's then: 404).
 */
function callbackProblems(test: TestApplication, callbacks: readonly ReceivedCallback[]): string[] {
  const problems: string[] = [];
  let state: TypedState = { type: test.app.type, status: 'delivered', platformCode: null };
  for (const c of distinct(callbacks)) {
    const named = `回调 ${c.status || '（无 status）'}（webhook-id ${c.webhookId || '无'}）`;
    // refused by the platform (401, 400), so the application stays where it was
    if (!c.signatureValid) {
      problems.push(`${named}签名校验未通过：${c.problems.join('；')}`);
      continue;
    }
    if (c.problems.length > 0) {
      problems.push(`${named}不符合回调约定（第 5.1 节）：${c.problems.join('；')}`);
      continue;
    }
    if (test.role === 'purchase' && state.status === 'verified') {
      problems.push(`${named}：购房核验通过（verified）后申请已转交缴存地中心，购房地中心不再回调（平台答复 404，第 4.7 节）`);
      continue;
    }
    const move = centerMove(test.app.type, c.status);
    if (!move) {
      problems.push(`${named}：不是${TYPE_LABELS[test.app.type]}的状态，应为${test.app.type === 'transfer' ? '第 5.2 节的状态代码' : '第 5.3 节的办理状态'}`);
      continue;
    }
    const moved = applyMove(state, move);
    if (moved.ok) state = { ...state, ...moved.next };
    else if (!moved.unchanged) problems.push(`${named}：${moved.reason}（平台答复 422，第 5.2、5.3 节）`);
  }
  return problems;
}

/** A repeat is answered again but done once: statuses reported under more than one webhook-id. */
function repeatedStatuses(callbacks: readonly ReceivedCallback[]): string[] {
  const counts = new Map<string, number>();
  for (const c of distinct(callbacks)) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([status, n]) => `${status} 报了 ${n} 次`);
}

/** 401 or 403: a delivery the center must not take. */
const refused = (outcome: PostOutcome) => outcome.kind === 'answered' && (outcome.status === 401 || outcome.status === 403);

function refusedDetail(outcome: PostOutcome, whenTaken: string): string {
  if (outcome.kind === 'failed') return `未能送达（${outcome.error}），无从判断`;
  if (refused(outcome)) return `答复 HTTP ${outcome.status}，已拒绝`;
  if (outcome.status >= 200 && outcome.status < 300) return `中心答复 HTTP ${outcome.status}，${whenTaken}`;
  return `中心答复 HTTP ${outcome.status}，应为 401（或 403）：请先校验签名和时间戳，再处理请求体`;
}

const statusList = (callbacks: readonly ReceivedCallback[]) => distinct(callbacks).map((c) => c.status || '（无 status）').join('、');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every check against the center's endpoint; never throws for what the center does, only reports it. */
export async function runConformance(target: ConformanceTarget, options: ConformanceOptions): Promise<ConformanceReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const callbackBase = options.inbox.callbackBase.replace(/\/+$/, '');
  const callbackUrl = `${callbackBase}/callbacks/${target.centerCode}`;
  const startAt = now();
  const acceptBy = await (options.calendar ?? packageCalendar()).addWorkingDays(shanghaiDate(startAt), TRANSFER_ACCEPT_WORKING_DAYS);
  const tests = new TestApplications(target.centerCode, startAt, acceptBy);
  const checks: ConformanceCheck[] = [];
  const check = (id: string, name: string, passed: boolean, detail: string) => void checks.push({ id, name, passed, detail });

  /** The body the relay would build for this record, with the documents and opened attachments it would load. */
  const bodyOf = (test: TestApplication, record: OutboxRecord, documents: DocumentRecord[] = []) =>
    deliveryBody(record, test.app, tests.keyring, callbackBase, documents, { stored: openPayload(tests.keyring, test.app), attachments: tests.openedFiles(test) }, acceptBy.provisional);
  const post = (body: string, webhookId: string, sign: { secret?: string; at?: Date } = {}) =>
    options.outbound.postJson(target.url, body, signHeaders([sign.secret ?? target.secret], webhookId, sign.at ?? now(), body));
  const deliver = async (test: TestApplication, type: OutboxType, documents?: DocumentRecord[]) => {
    const record = tests.record(test, type, now());
    return post(bodyOf(test, record, documents), record.id);
  };

  // (a) every kind of delivery, signed, answered 2xx (409 for an application already held)
  const submitted: { test: TestApplication; outcome: PostOutcome }[] = [];
  const submissions: [TestApplication, string][] = [
    [tests.transfer(), `新申请：${TYPE_LABELS.transfer}（application.submitted，角色 transfer-in）`],
    [tests.certificate('business'), `新申请：${TYPE_LABELS['certificate-loan-cleared']}（application.submitted，角色 business）`],
    [tests.purchase(), `新申请：${TYPE_LABELS['purchase-withdrawal']}（application.submitted，角色 purchase，附 PDF 和 JPEG 附件）`],
    [tests.serviceRequest(), `新申请：${TYPE_LABELS['service-request']}（application.submitted，角色 business）`],
  ];
  for (const [test, name] of submissions) {
    const outcome = await deliver(test, 'application.submitted');
    submitted.push({ test, outcome });
    check(`delivery.submitted.${test.app.type}`, `推送${name}`, isAccepted(outcome), isAccepted(outcome) ? `${answerText(outcome)}，申请编号 ${test.app.id}` : refusalHint(outcome));
  }

  const copied = tests.certificate('accepting');
  const copy = await deliver(copied, 'application.copy');
  check('delivery.copy', '推送代收抄送（application.copy，角色 accepting）', isAccepted(copy), isAccepted(copy) ? `${answerText(copy)}，申请编号 ${copied.app.id}` : refusalHint(copy));

  const withdrawnTest = tests.transfer();
  const beforeWithdrawal = await deliver(withdrawnTest, 'application.submitted');
  const withdrawal = await deliver(withdrawnTest, 'application.withdrawn');
  check(
    'delivery.withdrawn',
    '推送撤销（application.withdrawn）',
    isAccepted(withdrawal),
    isAccepted(withdrawal)
      ? `${answerText(withdrawal)}，申请编号 ${withdrawnTest.app.id}（其 application.submitted 答复 ${answerText(beforeWithdrawal)}）`
      : refusalHint(withdrawal),
  );

  const completion = await deliver(copied, 'application.completed', [issuedCertificate(copied, peerOf(target.centerCode), now())]);
  check(
    'delivery.completed',
    '推送办结通知（application.completed，附证明文件说明）',
    isAccepted(completion),
    isAccepted(completion) ? `${answerText(completion)}，申请编号 ${copied.app.id}` : refusalHint(completion),
  );

  // (b) what must be refused: a signature by another secret, a timestamp older than the 5 minutes tolerated
  const forged = tests.serviceRequest();
  const forgedRecord = tests.record(forged, 'application.submitted', now());
  const badSignature = await post(bodyOf(forged, forgedRecord), forgedRecord.id, { secret: newSecret() });
  check('refuse.bad-signature', '拒绝签名错误的推送（用另一个密钥签名）', refused(badSignature), refusedDetail(badSignature, '未校验签名：请按第 3.2 节校验 webhook-signature，不符时答复 401'));

  const stale = tests.serviceRequest();
  const staleRecord = tests.record(stale, 'application.submitted', now());
  const staleAt = new Date(now().getTime() - STALE_BY_MS);
  const staleAnswer = await post(bodyOf(stale, staleRecord), staleRecord.id, { at: staleAt });
  check(
    'refuse.stale-timestamp',
    `拒绝时间戳过期的推送（webhook-timestamp 早于当前 ${STALE_BY_MS / 60_000} 分钟，签名正确）`,
    refused(staleAnswer),
    refusedDetail(staleAnswer, '未检查时间戳：与本机时间相差超过 5 分钟的推送应答复 401（第 2 节、第 3.2 节）'),
  );

  // (c) the same delivery twice (same webhook-id and body, signed afresh as a retry is): answered both times, done once
  const repeated = tests.transfer();
  const repeatedRecord = tests.record(repeated, 'application.submitted', now());
  const repeatedBody = bodyOf(repeated, repeatedRecord);
  const repeatAnswers = [await post(repeatedBody, repeatedRecord.id), await post(repeatedBody, repeatedRecord.id)];

  // (d) the callbacks: waited for until every accepted application has one (and the repeated one has moved on), or the time is up
  const awaited = [...submitted.filter((s) => isAccepted(s.outcome)).map((s) => s.test), ...(repeatAnswers.every(isAccepted) ? [repeated] : [])];
  const waitMs = options.callbackWaitMs ?? CALLBACK_WAIT_MS;
  const callbacks = await waitForCallbacks(options.inbox, awaited, repeated.app.id, waitMs);
  const of = (test: TestApplication) => callbacks.get(test.app.id) ?? [];

  const repeatCallbacks = of(repeated);
  const twice = repeatedStatuses(repeatCallbacks);
  const repeatAnswered = repeatAnswers.map(answerText).join('、');
  check(
    'repeat.same-webhook-id',
    '同一条推送重复送达（webhook-id 与请求体相同）只办理一次',
    repeatAnswers.every(isAccepted) && repeatCallbacks.length > 0 && twice.length === 0,
    !repeatAnswers.every(isAccepted)
      ? `两次推送答复 ${repeatAnswered}，应都为 2xx（或 409）：重复的 webhook-id 应直接答复 2xx，不要重复办理（第 6 节）`
      : repeatCallbacks.length === 0
        ? `两次推送答复 ${repeatAnswered}，但 ${waitMs / 1000} 秒内未收到该申请（${repeated.app.id}）的回调，无法确认只办理了一次`
        : twice.length > 0
          ? `两次推送答复 ${repeatAnswered}，但回调中 ${twice.join('，')}：重复的推送被当作新申请又办理了一次（第 6 节）`
          : `两次推送答复 ${repeatAnswered}，回调 ${statusList(repeatCallbacks)} 各一次`,
  );

  for (const { test, outcome } of submitted) {
    const got = of(test);
    const problems = callbackProblems(test, got);
    const name = `回调：${TYPE_LABELS[test.app.type]}（签名有效、符合回调约定、状态变化合法）`;
    const id = `callbacks.${test.app.type}`;
    if (!isAccepted(outcome)) check(id, name, false, `该申请的推送未被接受（${answerText(outcome)}），无从检查回调`);
    else if (got.length === 0) {
      check(id, name, false, `${waitMs / 1000} 秒内未收到申请 ${test.app.id} 的回调：收到 application.submitted 后请回调首个状态，回调地址为推送中的 callbackUrl（${callbackUrl}）`);
    } else check(id, name, problems.length === 0, problems.length === 0 ? `收到回调 ${statusList(got)}，签名有效，符合约定` : problems.join('；'));
  }

  return { passed: checks.every((c) => c.passed), checks, startedAt, finishedAt: now().toISOString() };
}

/**
 * Polls the inbox until every awaited application has a callback and the repeated one (a transfer) has reported
 * a second status or a final one, so that a second run of the same work would have shown by then; or until `waitMs`.
 */
async function waitForCallbacks(inbox: CallbackInbox, awaited: readonly TestApplication[], repeatedId: string, waitMs: number): Promise<Map<string, ReceivedCallback[]>> {
  const until = Date.now() + waitMs;
  for (;;) {
    const got = new Map(await Promise.all(awaited.map(async (t) => [t.app.id, await inbox.received(t.app.id)] as const)));
    const repeatedStatuses = new Set((got.get(repeatedId) ?? []).map((c) => c.status));
    const repeatSettled = !got.has(repeatedId) || repeatedStatuses.size > 1 || [...repeatedStatuses].some((s) => isTransferCode(s) && isFinal(TRANSFER_CODES[s].status));
    if ((awaited.every((t) => (got.get(t.app.id) ?? []).length > 0) && repeatSettled) || Date.now() >= until) return got;
    await sleep(Math.min(POLL_MS, Math.max(0, until - Date.now())));
  }
}
