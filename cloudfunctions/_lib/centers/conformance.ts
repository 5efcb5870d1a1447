import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ServiceRequestPayload, StoredAttachment, StoredPayload, StoredPurchaseWithdrawal } from '../../../src/core/applications/payloads';
import { applyMove, centerMove, isTransferCode, TRANSFER_CODES, type TypedState } from '../../../src/core/applications/state-machine';
import { isFinal, TRANSFER_ACCEPT_WORKING_DAYS, TYPE_LABELS, type CenterRole } from '../../../src/core/applications/status';
import { shanghaiDate } from '../../../src/core/time';
import type { ConformanceCheck, ConformanceReport, ReceivedCallback } from '../../../src/core/center-portal';
import type { WorkingDate } from '../../../src/core/working-days';
import { generateKeyringEnv, parseKeyring, seal, sealedAs, type Keyring } from '../crypto/personal-data';
import type { OutboundClient, PostOutcome } from '../delivery/http';
import { deliveryBody, deliveryHeaders } from '../delivery/messages';
import { packageCalendar, type Calendar } from '../services/calendar';
import { newSecret } from '../delivery/signing';
import { coversFile } from '../delivery/file-links';
import type { ApplicationRecord, DocumentRecord, OutboxRecord, OutboxType } from '../store/port';
import { outboxRecord } from '../applications/deliveries';
import { openPayload, sealPayload } from '../applications/payload';
import { TEST_DOC_NUMBER, TEST_JPEG, TEST_NAME, TEST_PDF, TEST_PHONE, testCertificateForm, testPurchaseForm, testTransferForm } from '../applications/synthetic';
import { CONFORMANCE_ATTACHMENTS, CONFORMANCE_ID_PREFIX } from './conformance-callbacks';

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
  /**
   * Where the center under test downloads a test application's attachment (delivery format 2): a link made for it
   * on the origin that serves CONFORMANCE_ATTACHMENTS, signed as the platform's are (the platform's own
   * /callbacks/files/<token>, or the command line's inbox).
   */
  linkOf(applicationId: string, attachment: StoredAttachment): { url: string; expiresAt: string };
  /**
   * The center's requests for a test application's attachments so far: served whole (200) or in part (206, the
   * part's Content-Range in `byteRange`), or refused with why.
   */
  fetches(applicationId: string): Promise<{ attachmentId: string | null; httpStatus: number; refusal: string | null; byteRange: string | null }[]>;
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

/** A test application's id from its derived bytes: the prefix and 16 characters of [a-z0-9]. */
function testApplicationId(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return CONFORMANCE_ID_PREFIX + Array.from(bytes.subarray(0, 16), (b) => alphabet[b % alphabet.length]).join('');
}

/** A fresh seed for a run's test applications. */
export const newConformanceSeed = () => randomBytes(16).toString('hex');


/**
 * The other center of a two-center test application: Nanjing, or Yangzhou when Nanjing is the one under test
 * (the pair docs/center-api.md uses in its examples).
 */
const peerOf = (centerCode: string) => (centerCode === '320100' ? '321000' : '320100');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');


/** A test application as the store keeps it (personal data sealed), with where it goes. */
interface TestApplication {
  app: ApplicationRecord;
  /** The role of the center under test in it. */
  role: CenterRole;
}

/** The three transfers of a pass: each its own letter number. */
const TRANSFER_SLOTS = { submitted: 0, withdrawn: 1, repeat: 2 } as const;

/**
 * Builds the suite's test applications, every one for the center under test, sealed with an ephemeral keyring.
 * Ids, letter numbers and attachment ids derive from the seed and each application's part in the suite, so a
 * step run again (a background run resumed by another invocation) rebuilds the very applications sent before.
 */
class TestApplications {
  readonly keyring: Keyring = parseKeyring(generateKeyringEnv('conf'));
  private readonly peer: string;

  constructor(
    private readonly centerCode: string,
    private readonly at: Date,
    private readonly acceptBy: WorkingDate,
    private readonly seed: string,
  ) {
    this.peer = peerOf(centerCode);
  }

  transfer(part: keyof typeof TRANSFER_SLOTS): TestApplication {
    const form = testTransferForm(this.centerCode, this.peer);
    const centers: ApplicationRecord['centers'] = [{ code: this.centerCode, role: 'transfer-in' }, { code: this.peer, role: 'transfer-out' }];
    return this.make(`transfer:${part}`, { type: 'transfer', payload: form }, 'transfer-in', centers, this.letterNumber(TRANSFER_SLOTS[part]));
  }

  /** A certificate the center under test issues (`business`), or one another center issues and it took in (`accepting`). */
  certificate(role: 'business' | 'accepting'): TestApplication {
    const [business, accepting] = role === 'business' ? [this.centerCode, this.peer] : [this.peer, this.centerCode];
    const form = testCertificateForm(business, accepting);
    return this.make(`certificate:${role}`, { type: 'certificate-loan-cleared', payload: form }, role, [{ code: business, role: 'business' }, { code: accepting, role: 'accepting' }], null);
  }

  /** A purchase withdrawal at the center under test as the purchase-locale center, with a PDF contract and a JPEG invoice. */
  purchase(): TestApplication {
    // the same synthetic files in every run, served at their links by id (never stored)
    const attachments: StoredAttachment[] = CONFORMANCE_ATTACHMENTS.map(({ id, kind, name, contentType, bytes }) => ({ id, kind, name, contentType, sha256: sha256(bytes), size: bytes.length, storageKey: '' }));
    const form: StoredPurchaseWithdrawal = { ...testPurchaseForm(this.centerCode, this.peer, shanghaiDate(this.at)), attachments };
    return this.make('purchase', { type: 'purchase-withdrawal', payload: form }, 'purchase', [{ code: this.centerCode, role: 'purchase' }, { code: this.peer, role: 'deposit' }], null);
  }

  serviceRequest(part: 'submitted' | 'forged' | 'stale'): TestApplication {
    const form: ServiceRequestPayload = { center: this.centerCode, item: 6, phone: TEST_PHONE, description: '接口联调测试申请，非真实业务，请勿办理' };
    return this.make(`service-request:${part}`, { type: 'service-request', payload: form }, 'business', [{ code: this.centerCode, role: 'business' }], null);
  }

  /** The delivery the relay would send for a stored record of `type`, for the center under test. */
  record(test: TestApplication, type: OutboxType, at: Date): OutboxRecord {
    return outboxRecord(test.app, this.centerCode, type, at);
  }

  /**
   * A transfer's contact letter number: the transfer-in center, today in China, and a sequence number of this run
   * (one of three apart by `slot`), marked T like every test case's (docs/center-api.md 4.9): never a number of the
   * center's official sequence.
   */
  private letterNumber(slot: number): string {
    const sequence = 1 + (this.derive('letter').readUInt16BE(0) % 3333) * 3 + slot;
    const today = shanghaiDate(this.at);
    return `T${this.centerCode}${today.slice(2, 4)}${today.slice(5, 7)}${today.slice(8, 10)}${String(sequence).padStart(4, '0')}`;
  }

  private derive(part: string): Buffer {
    return createHmac('sha256', this.seed).update(part).digest();
  }

  /** `part` names the application's part in the suite; `centers` lists the responsible center first. */
  private make(part: string, stored: StoredPayload, role: CenterRole, centers: ApplicationRecord['centers'], letterNumber: string | null): TestApplication {
    const id = testApplicationId(this.derive(`application:${part}`));
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
    return { app, role };
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

/** The test attachments the center has not yet downloaded whole among `fetches`: served 200, or in 206 parts that cover every byte. */
const notDownloaded = (fetches: Awaited<ReturnType<CallbackInbox['fetches']>>) =>
  CONFORMANCE_ATTACHMENTS.filter((a) => {
    const served = fetches.filter((f) => f.attachmentId === a.id && (f.httpStatus === 200 || f.httpStatus === 206));
    return !coversFile(served.map((f) => (f.httpStatus === 200 ? null : f.byteRange ?? '')), a.bytes.length);
  });

/** Whether the center fetched each attachment of the test purchase withdrawal by its link, signed (docs/center-api.md 4.10). */
async function attachmentsFetched(inbox: CallbackInbox, test: TestApplication, accepted: boolean): Promise<ConformanceCheck> {
  const id = 'attachments.purchase-withdrawal';
  const name = '下载附件：购房提取的每个附件用本中心的密钥签名下载（第 4.10 节）';
  if (!accepted) return { id, name, passed: false, detail: '该申请的推送未被接受，无从检查附件下载' };
  const fetches = await inbox.fetches(test.app.id);
  const missing = notDownloaded(fetches);
  const refusals = fetches.filter((f) => f.httpStatus >= 400).map((f) => `HTTP ${f.httpStatus}（${f.refusal ?? '无原因'}）`);
  if (missing.length === 0) {
    return { id, name, passed: true, detail: `已下载 ${CONFORMANCE_ATTACHMENTS.map((a) => a.name).join('、')}${refusals.length > 0 ? `，其间被拒绝 ${refusals.length} 次` : ''}` };
  }
  const which = `未下载 ${missing.map((a) => a.name).join('、')}`;
  return { id, name, passed: false, detail: refusals.length > 0 ? `${which}，平台拒绝了：${refusals.join('；')}` : `${which}：收到推送后请按第 4.10 节用本中心的密钥对下载地址签名，下载每个附件并核对 sha256` };
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

/** What a step of the suite answers: its checks, and what the center answered to each request it sent. */
export interface StepResult {
  checks: ConformanceCheck[];
  posts: { accepted: boolean; answer: string }[];
}

/** A step done before, as the steps after it read it. */
export interface DoneStep extends StepResult {
  doneAt: Date;
}

/** One pass of the suite: the center's endpoint and the one secret it signs with, and the run's seed and start. */
export interface SuitePass {
  target: ConformanceTarget;
  seed: string;
  /** When the run started: its test applications are made then. */
  startedAt: Date;
}

/** What a step works with: the pass's test applications (rebuilt from the seed), and how to send them. */
interface StepTools {
  target: ConformanceTarget;
  options: ConformanceOptions;
  tests: TestApplications;
  now: () => Date;
  callbackUrl: string;
  post: (body: string, webhookId: string, sign?: { secret?: string; at?: Date }) => Promise<PostOutcome>;
  bodyOf: (test: TestApplication, record: OutboxRecord, documents?: DocumentRecord[]) => string;
  deliver: (test: TestApplication, type: OutboxType, documents?: DocumentRecord[]) => Promise<PostOutcome>;
}

interface SuiteStep {
  /** What the step does, in Chinese (the portal shows it while the run goes on). */
  name: string;
  run(tools: StepTools, done: readonly DoneStep[]): Promise<StepResult>;
}

const posted = (outcome: PostOutcome) => ({ accepted: isAccepted(outcome), answer: answerText(outcome) });

/** (a) a kind of delivery, signed, answered 2xx (409 for an application already held). */
function accepted(id: string, name: string, outcome: PostOutcome, applicationId: string): ConformanceCheck {
  return { id, name, passed: isAccepted(outcome), detail: isAccepted(outcome) ? `${answerText(outcome)}，申请编号 ${applicationId}` : refusalHint(outcome) };
}

/** The four new applications whose callbacks the last step checks, in the order they are sent. */
const SUBMISSIONS: { build: (tests: TestApplications) => TestApplication; name: string }[] = [
  { build: (tests) => tests.transfer('submitted'), name: `新申请：${TYPE_LABELS.transfer}（application.submitted，角色 transfer-in）` },
  { build: (tests) => tests.certificate('business'), name: `新申请：${TYPE_LABELS['certificate-loan-cleared']}（application.submitted，角色 business）` },
  { build: (tests) => tests.purchase(), name: `新申请：${TYPE_LABELS['purchase-withdrawal']}（application.submitted，角色 purchase，附 PDF 和 JPEG 附件）` },
  { build: (tests) => tests.serviceRequest('submitted'), name: `新申请：${TYPE_LABELS['service-request']}（application.submitted，角色 business）` },
];

/** The step that sends the same delivery twice; the callbacks step reads its answers. */
const REPEAT_STEP = SUBMISSIONS.length + 5;

/**
 * The suite's steps, in order: each sends what it names and is complete on its own, so a background run records
 * each as it finishes and a resumed run goes on from the next; the last waits for the callbacks and makes the
 * checks that depend on them.
 */
const SUITE_STEPS: SuiteStep[] = [
  ...SUBMISSIONS.map(({ build, name }): SuiteStep => ({
    name: `推送${name}`,
    async run({ tests, deliver }) {
      const test = build(tests);
      const outcome = await deliver(test, 'application.submitted');
      return { checks: [accepted(`delivery.submitted.${test.app.type}`, `推送${name}`, outcome, test.app.id)], posts: [posted(outcome)] };
    },
  })),
  {
    name: '推送代收抄送（application.copy，角色 accepting）',
    async run({ tests, deliver }) {
      const copied = tests.certificate('accepting');
      const copy = await deliver(copied, 'application.copy');
      return { checks: [accepted('delivery.copy', '推送代收抄送（application.copy，角色 accepting）', copy, copied.app.id)], posts: [posted(copy)] };
    },
  },
  {
    name: '推送撤销（application.withdrawn）',
    async run({ tests, deliver }) {
      const withdrawnTest = tests.transfer('withdrawn');
      const beforeWithdrawal = await deliver(withdrawnTest, 'application.submitted');
      const withdrawal = await deliver(withdrawnTest, 'application.withdrawn');
      const detail = isAccepted(withdrawal)
        ? `${answerText(withdrawal)}，申请编号 ${withdrawnTest.app.id}（其 application.submitted 答复 ${answerText(beforeWithdrawal)}）`
        : refusalHint(withdrawal);
      return { checks: [{ id: 'delivery.withdrawn', name: '推送撤销（application.withdrawn）', passed: isAccepted(withdrawal), detail }], posts: [posted(beforeWithdrawal), posted(withdrawal)] };
    },
  },
  {
    name: '推送办结通知（application.completed，附证明文件说明）',
    async run({ tests, deliver, target, now }) {
      const copied = tests.certificate('accepting');
      const completion = await deliver(copied, 'application.completed', [issuedCertificate(copied, peerOf(target.centerCode), now())]);
      return { checks: [accepted('delivery.completed', '推送办结通知（application.completed，附证明文件说明）', completion, copied.app.id)], posts: [posted(completion)] };
    },
  },
  // (b) what must be refused: a signature by another secret, a timestamp older than the 5 minutes tolerated
  {
    name: '拒绝签名错误的推送（用另一个密钥签名）',
    async run({ tests, now, bodyOf, post }) {
      const forged = tests.serviceRequest('forged');
      const record = tests.record(forged, 'application.submitted', now());
      const badSignature = await post(bodyOf(forged, record), record.id, { secret: newSecret() });
      const detail = refusedDetail(badSignature, '未校验签名：请按第 3.2 节校验 webhook-signature，不符时答复 401');
      return { checks: [{ id: 'refuse.bad-signature', name: '拒绝签名错误的推送（用另一个密钥签名）', passed: refused(badSignature), detail }], posts: [posted(badSignature)] };
    },
  },
  {
    name: `拒绝时间戳过期的推送（webhook-timestamp 早于当前 ${STALE_BY_MS / 60_000} 分钟，签名正确）`,
    async run({ tests, now, bodyOf, post }) {
      const stale = tests.serviceRequest('stale');
      const record = tests.record(stale, 'application.submitted', now());
      const staleAnswer = await post(bodyOf(stale, record), record.id, { at: new Date(now().getTime() - STALE_BY_MS) });
      const name = `拒绝时间戳过期的推送（webhook-timestamp 早于当前 ${STALE_BY_MS / 60_000} 分钟，签名正确）`;
      const detail = refusedDetail(staleAnswer, '未检查时间戳：与本机时间相差超过 5 分钟的推送应答复 401（第 2 节、第 3.2 节）');
      return { checks: [{ id: 'refuse.stale-timestamp', name, passed: refused(staleAnswer), detail }], posts: [posted(staleAnswer)] };
    },
  },
  // (c) the same delivery twice (same webhook-id and body, signed afresh as a retry is): answered both times; done once is
  // checked with the callbacks
  {
    name: '同一条推送重复送达两次（webhook-id 与请求体相同）',
    async run({ tests, now, bodyOf, post }) {
      const repeated = tests.transfer('repeat');
      const record = tests.record(repeated, 'application.submitted', now());
      const body = bodyOf(repeated, record);
      const answers = [await post(body, record.id), await post(body, record.id)];
      return { checks: [], posts: answers.map(posted) };
    },
  },
  // (d) the callbacks: waited for until every accepted application has one (and the repeated one has moved on), or the time is up
  {
    name: '等待并检查中心的回调（重复推送只办理一次，各申请的回调签名有效、状态变化合法）',
    async run({ tests, options, now, callbackUrl }, done) {
      const stepOf = (index: number) => {
        const step = done[index];
        if (!step) throw new Error(`conformance step ${index} has not run before the callbacks step`);
        return step;
      };
      const submitted = SUBMISSIONS.map(({ build }, index) => ({ test: build(tests), post: stepOf(index).posts[0] }));
      const repeated = tests.transfer('repeat');
      const repeat = stepOf(REPEAT_STEP);
      const repeatAccepted = repeat.posts.length === 2 && repeat.posts.every((p) => p.accepted);
      const awaited = [...submitted.filter((s) => s.post?.accepted).map((s) => s.test), ...(repeatAccepted ? [repeated] : [])];
      const purchase = submitted.find((s) => s.test.app.type === 'purchase-withdrawal');
      // a center may call back first and download afterwards (4.10): the wait covers its downloads too
      const downloading = purchase?.post?.accepted ? purchase.test.app.id : null;
      const waitMs = options.callbackWaitMs ?? CALLBACK_WAIT_MS;
      // the wait runs from the last delivery: a step resumed by another invocation waits only for what is left of it
      const left = repeat.doneAt.getTime() + waitMs - now().getTime();
      const callbacks = await waitForCallbacks(options.inbox, awaited, repeated.app.id, downloading, Date.now() + Math.max(0, left));
      const of = (test: TestApplication) => callbacks.get(test.app.id) ?? [];
      const checks: ConformanceCheck[] = [];
      const check = (id: string, name: string, passed: boolean, detail: string) => void checks.push({ id, name, passed, detail });

      const repeatCallbacks = of(repeated);
      const twice = repeatedStatuses(repeatCallbacks);
      const repeatAnswered = repeat.posts.map((p) => p.answer).join('、');
      check(
        'repeat.same-webhook-id',
        '同一条推送重复送达（webhook-id 与请求体相同）只办理一次',
        repeatAccepted && repeatCallbacks.length > 0 && twice.length === 0,
        !repeatAccepted
          ? `两次推送答复 ${repeatAnswered}，应都为 2xx（或 409）：重复的 webhook-id 应直接答复 2xx，不要重复办理（第 6 节）`
          : repeatCallbacks.length === 0
            ? `两次推送答复 ${repeatAnswered}，但 ${waitMs / 1000} 秒内未收到该申请（${repeated.app.id}）的回调，无法确认只办理了一次`
            : twice.length > 0
              ? `两次推送答复 ${repeatAnswered}，但回调中 ${twice.join('，')}：重复的推送被当作新申请又办理了一次（第 6 节）`
              : `两次推送答复 ${repeatAnswered}，回调 ${statusList(repeatCallbacks)} 各一次`,
      );

      for (const { test, post } of submitted) {
        const got = of(test);
        const problems = callbackProblems(test, got);
        const name = `回调：${TYPE_LABELS[test.app.type]}（签名有效、符合回调约定、状态变化合法）`;
        const id = `callbacks.${test.app.type}`;
        if (!post?.accepted) check(id, name, false, `该申请的推送未被接受（${post?.answer ?? '未发送'}），无从检查回调`);
        else if (got.length === 0) {
          check(id, name, false, `${waitMs / 1000} 秒内未收到申请 ${test.app.id} 的回调：收到 application.submitted 后请回调首个状态，回调地址为推送中的 callbackUrl（${callbackUrl}）`);
        } else check(id, name, problems.length === 0, problems.length === 0 ? `收到回调 ${statusList(got)}，签名有效，符合约定` : problems.join('；'));
      }
      if (purchase) checks.push(await attachmentsFetched(options.inbox, purchase.test, purchase.post?.accepted ?? false));
      return { checks, posts: [] };
    },
  },
];

/** What each step of a pass does, in order, in Chinese. */
export const SUITE_STEP_NAMES: readonly string[] = SUITE_STEPS.map((s) => s.name);

/**
 * Runs step `index` of a pass, after the steps before it (`done`, by index); never throws for what the center does,
 * only reports it. Its test applications are rebuilt from the pass's seed, so the step is the same whichever
 * invocation runs it.
 */
export async function runSuiteStep(pass: SuitePass, index: number, done: readonly DoneStep[], options: ConformanceOptions): Promise<StepResult> {
  const step = SUITE_STEPS[index];
  if (!step) throw new Error(`the conformance suite has no step ${index}`);
  const { target } = pass;
  const now = options.now ?? (() => new Date());
  const callbackBase = options.inbox.callbackBase.replace(/\/+$/, '');
  const acceptBy = await (options.calendar ?? packageCalendar()).addWorkingDays(shanghaiDate(pass.startedAt), TRANSFER_ACCEPT_WORKING_DAYS);
  const tests = new TestApplications(target.centerCode, pass.startedAt, acceptBy, pass.seed);
  /** The body the relay would build for this record, with the documents and opened attachments it would load. */
  const bodyOf = (test: TestApplication, record: OutboxRecord, documents: DocumentRecord[] = []) =>
    deliveryBody(record, test.app, tests.keyring, callbackBase, documents, { stored: openPayload(tests.keyring, test.app), linkOf: (attachment) => options.inbox.linkOf(test.app.id, attachment) }, acceptBy.provisional);
  const post = (body: string, webhookId: string, sign: { secret?: string; at?: Date } = {}) =>
    options.outbound.postJson(target.url, body, deliveryHeaders([sign.secret ?? target.secret], webhookId, sign.at ?? now(), body));
  const deliver = async (test: TestApplication, type: OutboxType, documents?: DocumentRecord[]) => {
    const record = tests.record(test, type, now());
    return post(bodyOf(test, record, documents), record.id);
  };
  return step.run({ target, options, tests, now, callbackUrl: `${callbackBase}/callbacks/${target.centerCode}`, post, bodyOf, deliver }, done);
}

/** Runs every step against the center's endpoint in turn, in this process (the center:conformance tool); never throws for what the center does, only reports it. */
export async function runConformance(target: ConformanceTarget, options: ConformanceOptions): Promise<ConformanceReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const pass: SuitePass = { target, seed: newConformanceSeed(), startedAt };
  const done: DoneStep[] = [];
  for (let index = 0; index < SUITE_STEPS.length; index++) done.push({ ...(await runSuiteStep(pass, index, done, options)), doneAt: now() });
  const checks = done.flatMap((d) => d.checks);
  return { passed: checks.every((c) => c.passed), checks, startedAt: startedAt.toISOString(), finishedAt: now().toISOString() };
}

/**
 * Polls the inbox until every awaited application has a callback, the repeated one (a transfer) has reported a
 * second status or a final one, so that a second run of the same work would have shown by then, and the
 * application `downloading` (when not null) has had each of its attachments downloaded; or until `until` (ms).
 */
async function waitForCallbacks(
  inbox: CallbackInbox,
  awaited: readonly TestApplication[],
  repeatedId: string,
  downloading: string | null,
  until: number,
): Promise<Map<string, ReceivedCallback[]>> {
  for (;;) {
    const [got, downloaded] = await Promise.all([
      Promise.all(awaited.map(async (t) => [t.app.id, await inbox.received(t.app.id)] as const)).then((entries) => new Map(entries)),
      downloading === null ? true : inbox.fetches(downloading).then((fetches) => notDownloaded(fetches).length === 0),
    ]);
    const repeatedStatuses = new Set((got.get(repeatedId) ?? []).map((c) => c.status));
    const repeatSettled = !got.has(repeatedId) || repeatedStatuses.size > 1 || [...repeatedStatuses].some((s) => isTransferCode(s) && isFinal(TRANSFER_CODES[s].status));
    if ((awaited.every((t) => (got.get(t.app.id) ?? []).length > 0) && repeatSettled && downloaded) || Date.now() >= until) return got;
    await sleep(Math.min(POLL_MS, Math.max(0, until - Date.now())));
  }
}
