import * as z from 'zod';
import { CERTIFICATE_TYPES, TYPE_LABELS } from './applications/status';
import type { FileLink } from './files';
import { ITEMS, ITEM_IDS, type ItemId } from './items';
import { shanghaiDate } from './time';

/**
 * The internal trial before launch (notice 2021-30, part 2; issue 15): the launch state that closes the app to
 * everyone without a role, testers invited by QR code for one province, a checklist per center of that province,
 * findings that go to the center (links, endpoint) or to supervisors (name, phone) until they are fixed and
 * checked again, a test transfer each center must accept, and readiness per province beside the launch switch.
 * The answers' shapes of functions `trial`, `admin` (invites, launch) and `portal` (findings, poster code) are
 * here; their events are in contracts/trial.ts, contracts/admin.ts and contracts/portal.ts.
 */

// ---------------------------------------------------------------- launch

/**
 * Who may use the app besides people holding a role: everyone (`national`), or everyone for the centers of the
 * open provinces (a staged opening). A freshly deployed store has no state: closed.
 */
export interface LaunchState {
  national: boolean;
  /** Provinces (6-digit codes) open on their own while `national` is false; kept when the nation opens. */
  provinces: string[];
}
export const CLOSED: LaunchState = { national: false, provinces: [] };

/** Whether a center's province is open to everyone. */
export const isOpenFor = (state: LaunchState, province: string) => state.national || state.provinces.includes(province);
/** Whether anything is open to everyone (the app's pages that name no center: home, directory, 我的). */
export const isAnyOpen = (state: LaunchState) => state.national || state.provinces.length > 0;

/** What a person without a role is told before launch (the function answers NOT_LAUNCHED with it; the app shows it as a page). */
export const NOT_LAUNCHED_MESSAGE = '全国住房公积金小程序正在内部试用，暂未对外开放。办理住房公积金业务，请拨打 12329 住房公积金服务热线或前往当地住房公积金管理中心。';
/** The same, for a center whose province has not opened yet (staged opening). */
export const PROVINCE_NOT_LAUNCHED_MESSAGE = '该中心所在省份的住房公积金小程序服务正在内部试用，暂未对外开放。办理业务请拨打 12329 住房公积金服务热线或前往该中心服务大厅。';

/** `session whoami`'s `launch`: whether the app is open to this caller (a role, or any province open), and the state. */
export interface CallerLaunch extends LaunchState {
  open: boolean;
}
/** The launch state as one caller meets it: people with a role use the app however closed. */
export const launchFor = (state: LaunchState, hasRole: boolean): CallerLaunch => ({ open: hasRole || isAnyOpen(state), ...state });

/** `admin launchState` (supervisors; provincial ones see their province only). */
export interface LaunchStateAnswer {
  national: boolean;
  provinces: ProvinceLaunchRow[];
}
export interface ProvinceLaunchRow {
  province: string;
  provinceName: string;
  open: boolean;
  readiness: ProvinceReadiness;
}

// ---------------------------------------------------------------- invites and testers

/** An invite as supervisors see it; the code itself is shown only in createTrialInvite's answer. */
export interface TrialInviteView {
  id: string;
  province: string;
  provinceName: string;
  /** How many people may still join with it, of how many. */
  usesLeft: number;
  uses: number;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  state: TrialInviteState;
}
export const TRIAL_INVITE_STATES = ['active', 'used-up', 'expired', 'revoked'] as const;
export type TrialInviteState = (typeof TRIAL_INVITE_STATES)[number];
export const TRIAL_INVITE_STATE_LABELS: Record<TrialInviteState, string> = { active: '可使用', 'used-up': '已用完', expired: '已过期', revoked: '已撤销' };

/** createTrialInvite answers the invite and its code once (printed as a QR code by the page). */
export interface CreatedTrialInvite extends TrialInviteView {
  code: string;
}

/**
 * A tester as supervisors see them in the trial (`admin testers`), never with an openid: `tester` is an opaque handle
 * of the person (a keyed hash), what `admin revokeTester` takes; people are named by display name or role label.
 */
export interface TesterView {
  tester: string;
  /** The display name a supervisor gave, or 内部测试人员. */
  name: string;
  province: string;
  provinceName: string;
  grantedAt: string;
  /** Who invited or granted them: 本人, a display name, or 监管人员. */
  grantedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  active: boolean;
}
export const TESTER_HANDLE_PATTERN = /^[a-f0-9]{32}$/;

/** Limits of an invite as supervisors set them. */
export const TRIAL_INVITE_USES_MAX = 200;
export const TRIAL_INVITE_DAYS_MAX = 30;
/** Wrong codes a person may try in an hour before `trial join` answers TOO_MANY_ATTEMPTS. */
export const TRIAL_JOIN_ATTEMPTS_PER_HOUR = 5;

/**
 * The `scene` of a mini-program code (wxacode.getUnlimited, at most 32 visible characters): `t=<invite code>` for a
 * trial invite (opens packages/trial/join), `c=<center code>` for a center's poster (opens pages/center). On H5 the
 * same scene travels in the page URL's `scene` query.
 */
export const SCENE_MAX = 32;
export type Scene = { kind: 'invite'; code: string } | { kind: 'center'; centerCode: string };
const INVITE_SCENE = /^t=([A-Z2-9]{8})$/;
const CENTER_SCENE = /^c=(\d{6})$/;
/** The scene a code carries, or undefined for anything else (the app then opens the home page). */
export function parseScene(raw: unknown): Scene | undefined {
  if (typeof raw !== 'string' || raw.length > 3 * SCENE_MAX) return undefined;
  let scene: string;
  try {
    scene = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const invite = INVITE_SCENE.exec(scene);
  if (invite) return { kind: 'invite', code: invite[1] };
  const center = CENTER_SCENE.exec(scene);
  if (center) return { kind: 'center', centerCode: center[1] };
  return undefined;
}
export const inviteScene = (code: string) => `t=${code}`;
export const centerScene = (centerCode: string) => `c=${centerCode}`;
/** The pages the codes open (mini-program paths, no leading slash, as wxacode.getUnlimited takes them). */
export const TRIAL_JOIN_PAGE = 'packages/trial/join/index';
export const CENTER_PAGE = 'pages/center/index';
export const HOME_PAGE = 'pages/index/index';

/**
 * Where the app opened on `path` with a `scene` query should go instead (undefined: stay): a center's scene to the
 * center page, an invite's to the join page, each with the scene; anything else that is not a scene to the home page.
 */
export function sceneRoute(path: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const at = path.replace(/^\//, '');
  const scene = parseScene(raw);
  if (!scene) return at === HOME_PAGE ? undefined : `/${HOME_PAGE}`;
  const page = scene.kind === 'center' ? CENTER_PAGE : TRIAL_JOIN_PAGE;
  if (at === page) return undefined;
  return `/${page}?scene=${encodeURIComponent(scene.kind === 'center' ? centerScene(scene.centerCode) : inviteScene(scene.code))}`;
}

/**
 * A mini-program code as a function answers it: a link to the PNG (wxacode.getUnlimited's image, ~30 KB), fetched
 * and checked by its sha256 like a certificate, so the answer stays small (issue 16, point 2).
 */
export interface CodeImage {
  image: FileLink;
  /** What it opens: the page and the scene. */
  page: string;
  scene: string;
}

// ---------------------------------------------------------------- the checklist

/** The optional test applications a center offering the item in the app may be sent (besides the test transfer). */
export const OPTIONAL_TEST_TYPES = [...CERTIFICATE_TYPES, 'purchase-withdrawal'] as const;
export type OptionalTestType = (typeof OPTIONAL_TEST_TYPES)[number];

/**
 * One check of a center: its displayed name and service phone, its poster code scanned, each registered link or
 * route (`link:<item>`), the test transfer it must accept, and the optional test applications (`test:<type>`).
 */
export type CheckKind = 'name' | 'phone' | 'poster' | 'transfer' | `link:${ItemId}` | `test:${OptionalTestType}`;
const CHECK_KINDS: readonly string[] = ['name', 'phone', 'poster', 'transfer', ...ITEM_IDS.map((i) => `link:${i}`), ...OPTIONAL_TEST_TYPES.map((t) => `test:${t}`)];
export const isCheckKind = (value: unknown): value is CheckKind => typeof value === 'string' && CHECK_KINDS.includes(value);
export const CheckKindSchema = z.string({ error: '请指明检查项' }).refine(isCheckKind, '检查项应为 name、phone、poster、transfer、link:<事项 1 至 8> 或 test:<申请类型>');
/** The checks a tester records by hand with `trial record` (the test applications are recorded by their outcome). */
export const isRecordedByHand = (check: CheckKind) => check !== 'transfer' && !check.startsWith('test:');

export const CHECK_LABELS: Record<'name' | 'phone' | 'poster' | 'transfer', string> = {
  name: '中心名称',
  phone: '服务电话',
  poster: '中心小程序码',
  transfer: '转移接续测试申请受理',
};

/**
 * What the app saw by itself when the tester tapped a link (web-view, navigateToMiniProgram, the fallback card). A
 * web-view's load is reported for an error page too (a 503 loads): it says the page opened, not what it showed.
 */
export const LINK_OBSERVATIONS = ['loaded', 'load-failed', 'opened', 'open-failed', 'fallback'] as const;
export type LinkObservation = (typeof LINK_OBSERVATIONS)[number];
export const LINK_OBSERVATION_LABELS: Record<LinkObservation, string> = {
  loaded: '网页已打开，内容以所见为准',
  'load-failed': '网页加载失败',
  opened: '已打开中心小程序',
  'open-failed': '未能打开中心小程序',
  fallback: '显示了替代办理方式',
};

/** A test application's state against its limit: a center must accept it within TEST_ACCEPT_WORKING_DAYS working days. */
export const TEST_ACCEPT_WORKING_DAYS = 3;
export const TEST_STATES = ['not-sent', 'waiting', 'accepted', 'late', 'refused'] as const;
export type TestState = (typeof TEST_STATES)[number];
export const TEST_STATE_LABELS: Record<TestState, string> = {
  'not-sent': '未发送',
  waiting: '等待中心受理',
  accepted: '已受理',
  late: '逾期未受理',
  refused: '中心未受理',
};

/** How each check is named to people: the fixed ones by CHECK_LABELS, a link by its item, a test application by its type. */
let checkLabels: Map<string, string> | undefined;
export function checkLabel(check: CheckKind): string {
  checkLabels ??= new Map<string, string>([
    ...Object.entries(CHECK_LABELS),
    ...ITEMS.map((i): [string, string] => [`link:${i.id}`, `链接跳转：${i.short}`]),
    ...OPTIONAL_TEST_TYPES.map((t): [string, string] => [`test:${t}`, `测试申请：${TYPE_LABELS[t]}`]),
  ]);
  return checkLabels.get(check) ?? check;
}

/** Whole days from one instant to another, counted in China dates (opened today: 0). */
export const daysBetween = (from: Date, to: Date) => Math.round((Date.parse(shanghaiDate(to)) - Date.parse(shanghaiDate(from))) / 86_400_000);

export type CheckResult = 'pending' | 'passed' | 'failed';
export const CHECK_RESULT_LABELS: Record<CheckResult, string> = { pending: '待检查', passed: '通过', failed: '未通过' };

/** One line of a center's checklist. */
export interface CheckView {
  check: CheckKind;
  label: string;
  /** What the tester checks against: the displayed name or phone, the link's url or the mini-program, the route's text. */
  shown: string;
  result: CheckResult;
  /** Required for readiness (the optional test applications are not). */
  required: boolean;
  /** The last record: who (display name or role label, never an openid), when, and the note. */
  checkedAt: string | null;
  checkedBy: string | null;
  note: string | null;
  observed: LinkObservation | null;
  /** For link checks: how the app opens it (web / miniprogram / copy: a web page not on a business domain / in-app / counter / unavailable). */
  target: 'web' | 'miniprogram' | 'copy' | 'in-app' | 'counter' | 'unavailable' | null;
  /** For the test applications: the case, its state and the date by which the center must accept it. */
  test: { applicationId: string; state: TestState; acceptBy: string; acceptedAt: string | null } | null;
  /** The open finding of this check, if any. */
  findingId: string | null;
}

/** `trial checklist { centerCode }`. */
export interface ChecklistAnswer {
  centerCode: string;
  centerName: string;
  phone: string;
  checks: CheckView[];
  progress: CenterProgress;
}

/** Where a center stands in the trial. */
export interface CenterProgress {
  /** Required checks with a result (passed or failed), of the required checks. */
  done: number;
  total: number;
  /** Required checks whose latest result is 未通过 (a failed hand check, a test transfer refused or late). */
  failed: number;
  openFindings: number;
  /** Days the oldest open finding has been open (0 when none). */
  oldestOpenDays: number;
  transfer: TestState;
  /** Whether the center has an API endpoint: only those must accept a test transfer for readiness (the others may, in the workbench). */
  hasEndpoint: boolean;
  ready: boolean;
}

/** `trial centers`: the centers of the tester's province with their progress. */
export interface TrialCentersAnswer {
  province: string;
  provinceName: string;
  centers: ({ centerCode: string; centerName: string } & CenterProgress)[];
  readiness: ProvinceReadiness;
}

/** A province is ready when every center is checked, no finding is open and every center with an endpoint has accepted a test transfer. */
export interface ProvinceReadiness {
  centers: number;
  checked: number;
  openFindings: number;
  /** Centers with an endpoint, and of those, the ones that accepted a test transfer in time. */
  withEndpoint: number;
  transferAccepted: number;
  ready: boolean;
  /** What is missing, in words (empty when ready): "3 个中心未检查完", "2 个问题未关闭", ... */
  missing: string[];
}

// ---------------------------------------------------------------- findings

export const FINDING_STATUSES = ['open', 'fixed', 'closed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const FINDING_STATUS_LABELS: Record<FindingStatus, string> = { open: '待处理', fixed: '已整改待复核', closed: '已关闭' };
/** The statuses as a row of choices (the findings pages' tabs). */
export const FINDING_STATUS_CHOICES = FINDING_STATUSES.map((key) => ({ key, label: FINDING_STATUS_LABELS[key] }));
/** Who fixes a finding: supervisors for the catalog (name, phone), the center's staff for links, poster and endpoint. */
export type FindingOwner = 'supervisor' | 'center';
export const FINDING_OWNER_LABELS: Record<FindingOwner, string> = { supervisor: '监管部门（目录信息）', center: '中心' };
export const ownerOfCheck = (check: CheckKind): FindingOwner => (check === 'name' || check === 'phone' ? 'supervisor' : 'center');

export const FINDING_ID_PATTERN = /^fnd[a-z0-9]{20}$/;
export const FindingIdSchema = z.string({ error: '缺少问题编号' }).regex(FINDING_ID_PATTERN, '问题编号格式不正确');
export const FINDING_TEXT_MAX = 200;

/** One step of a finding's history. */
export interface FindingEvent {
  at: string;
  /** A display name or role label, never an openid. */
  by: string;
  kind: 'opened' | 'fixed' | 'reopened' | 'closed';
  note: string | null;
}

/** A finding as testers, staff and supervisors see it. */
export interface FindingView {
  id: string;
  province: string;
  centerCode: string;
  centerName: string;
  check: CheckKind;
  checkLabel: string;
  owner: FindingOwner;
  status: FindingStatus;
  statusLabel: string;
  /** What was expected (the right name or phone, the page that should open) and what was seen. */
  expected: string | null;
  seen: string | null;
  observed: LinkObservation | null;
  /**
   * The screenshot, an upload kept with the finding under findings/; `url` opens it for 10 minutes (a temporary link
   * made for the viewer with each listing, as supervisors' exports are served).
   */
  screenshot: { fileId: string; name: string; url: string } | null;
  openedAt: string;
  /** Whole days since it was opened (China dates). */
  ageDays: number;
  history: FindingEvent[];
}

/** `trial findings`, `portal trialFindings`. */
export interface FindingsAnswer {
  items: FindingView[];
}

/** `trial record`: the check's new line, and the finding it opened when `ok` was false. */
export interface RecordAnswer {
  check: CheckView;
  findingId: string | null;
  /** Said when the check was recorded 通过 while its finding is still open or fixed: the tester closes it with recheck. */
  notice: string | null;
}

/** `trial testTransfer` / `trial testApplication`: the test case sent and the date by which it must be accepted. */
export interface TestApplicationAnswer {
  applicationId: string;
  acceptBy: string;
  state: TestState;
}

/**
 * A correction of a catalog field (name, phone) found wrong in the trial: proposed by a supervisor, applied on a
 * second supervisor's review, kept with its history and applied over the catalog whenever it is regenerated.
 */
export const CATALOG_FIELDS = ['name', 'phone'] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];
export const CATALOG_FIELD_LABELS: Record<CatalogField, string> = { name: '中心名称', phone: '服务电话' };
export interface CatalogFixView {
  id: string;
  centerCode: string;
  field: CatalogField;
  from: string;
  to: string;
  findingId: string | null;
  status: 'pending' | 'approved' | 'rejected';
  proposedBy: string;
  proposedAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
}
export const CATALOG_FIX_ID_PATTERN = /^cfx[a-z0-9]{20}$/;
