import type { CenterSummary } from '../centers';
import type { CallBackState, FixScore, FollowUpStatus } from './follow-up-clock';
import type { DocType } from '../identity';
import type { ItemId } from '../items';
import type { Payment } from '../money';
import type { AttachmentKind } from './payloads';
import type { CenterStatus, StatusNeed, TransferCode } from './state-machine';
import type { ApplicationStatus, ApplicationType, CenterRole, RatingScore } from './status';
import type { StepName } from './steps';

/** What the functions answer about applications: to the employee, to center staff, to supervisors. */
/** One line of the timeline the employee and the center see. */
export interface TimelineEntry {
  at: string;
  /** employee | relay | center | staff | platform (the official calendar moved a time limit) */
  actor: 'employee' | 'relay' | 'center' | 'staff' | 'platform';
  step: StepName;
  status: ApplicationStatus;
  platformCode: TransferCode | null;
  centerCode: string | null;
  message: string;
  /** Why the center set this status (a refusal's reason, in plain words), when it said (issue 18 point 2). */
  reason?: string;
  /** Whom the person can call about this step (the transfer-out center's contact, say), when the center gave one. */
  contact?: { name: string; phone: string };
}

export interface DocumentView {
  id: string;
  name: string;
  contentType: string;
  sha256: string;
  size: number;
}

/** What `applications.get` answers: nothing personal beyond masks. */
export interface ApplicationView {
  id: string;
  type: ApplicationType;
  /** The cross-province item the case is (labels.ts caseItem): names a service request's title. */
  item: ItemId | null;
  status: ApplicationStatus;
  platformCode: TransferCode | null;
  step: StepName;
  letterNumber: string | null;
  centers: { code: string; name: string; role: CenterRole; phone: string }[];
  /** The form as submitted, personal fields masked. */
  summary: { label: string; value: string }[];
  events: TimelineEntry[];
  documents: DocumentView[];
  /** The date (China) by which the responsible center must accept, and whether it has passed unaccepted. */
  acceptBy: string;
  /** Whether `acceptBy` falls in a year whose State Council arrangement is not loaded: counted on weekends only, shown as 预计. */
  acceptByProvisional: boolean;
  acceptOverdue: boolean;
  canWithdraw: boolean;
  /** The person's rating once given; `canRate` while the case has ended and is not rated yet. */
  rating: RatingView | null;
  canRate: boolean;
  /** A 差评's follow-up as the person sees it (issue 18 point 3). */
  followUp: PersonFollowUp | null;
  /** What the deposit-locale center paid (purchase withdrawals), once it has. */
  payment: Payment | null;
  /** A completion target (purchase withdrawals: 7 working days), and whether it passed unfinished. */
  target: { by: string; overdue: boolean } | null;
  /** Whether `target.by` is an estimate (as acceptByProvisional); false without a target. */
  targetProvisional: boolean;
  /** The person's own attachments: names and sizes only. */
  attachments: { kind: AttachmentKind; name: string; contentType: string; size: number }[];
  /** A test case a tester sent in the internal trial (synthetic applicant): shown as 测试, never counted, never rated. */
  test: boolean;
  createdAt: string;
}

export interface RatingView {
  score: RatingScore;
  label: string;
  comment: string | null;
  at: string;
}

/**
 * A 差评's follow-up on the person's case: 待回访 with the call-back's date; 已回访 and 整改中 with the center's note of the
 * call and the day it is to be put right by; 已整改 with what the center did; then the person's rating of the fix, once.
 */
export interface PersonFollowUp {
  status: FollowUpStatus;
  callBackBy: string;
  fixBy: string;
  /** What the center recorded of its call-back, and when. */
  note: string | null;
  at: string | null;
  /** What the center put right (整改完成), and when. */
  fixNote: string | null;
  fixedAt: string | null;
  fixRating: { score: FixScore; label: string; at: string } | null;
  canRateFix: boolean;
}

/** A low rating the center follows up in its workbench. */
export interface FollowUpView {
  applicationId: string;
  type: ApplicationType;
  letterNumber: string | null;
  rating: RatingView;
  status: FollowUpStatus;
  /** The person's phone as given on the form, masked; the full number only by `workbench followUpPhone` (audited). */
  phoneMasked: string;
  note: string | null;
  fixNote: string | null;
  fixRating: { score: FixScore; label: string } | null;
  /** The 差评 clock (core/applications/follow-up-clock.ts): call back by, put right by (working days after the rating). */
  callBackBy: string;
  fixBy: string;
  /** Whether those dates are estimates (a year whose State Council arrangement is not loaded). */
  limitsProvisional: boolean;
  callBack: CallBackState;
}

export interface ApplicationListEntry {
  id: string;
  type: ApplicationType;
  /** As ApplicationView.item. */
  item: ItemId | null;
  status: ApplicationStatus;
  step: StepName;
  letterNumber: string | null;
  responsibleCenter: { code: string; name: string };
  acceptOverdue: boolean;
  /** As ApplicationView.test. */
  test: boolean;
  createdAt: string;
}
/** A line of the workbench list: the applicant's name masked even here; the full record is a logged view. */
export interface WorkbenchEntry extends ApplicationListEntry {
  role: CenterRole;
  applicantMasked: string;
  acceptBy: string;
  /** As ApplicationView.acceptByProvisional. */
  acceptByProvisional: boolean;
}

/** One application as its center's staff see it: everything in full (each view is logged), and what they may do next. */
export interface WorkbenchView extends ApplicationView {
  role: CenterRole;
  applicant: { name: string; docType: DocType; docNumber: string };
  form: { label: string; value: string }[];
  /** Codes the staff may set now (transfers; the responsible center only). */
  nextCodes: TransferCode[];
  /** Statuses the staff may set now (types without codes; the responsible center only). */
  nextStatuses: CenterStatus[];
  /** What completing needs when it is among `nextStatuses`: the certificate (a PDF) or what was paid; null when it is not offered or needs nothing more. */
  completionNeeds: StatusNeed | null;
  /** Whether this center answers for the application now (it may move it and ask the applicant for material): false once it has ended and while the other center does. */
  responsible: boolean;
  /** The attachments with their ids, for staff to open. */
  attachmentFiles: { id: string; kind: AttachmentKind; name: string; contentType: string; size: number; sha256: string }[];
  canReject: boolean;
  /**
   * Other people's withdrawals of the same purchase contract that may pay (a co-buyer's, earlier or later), shown to
   * both centers of each so that one contract is never paid twice without a look; empty for other types.
   */
  sharedContract: { id: string; status: ApplicationStatus; submittedAt: string }[];
  /**
   * A co-buyer's hold: the contract was used before by another person's withdrawal that may pay, so the
   * deposit-locale center pays this one only after staff recorded 已核实 (`checked`, with their note); null when not held.
   */
  contractHold: { checked: { at: string; note: string; centerCode: string } | null } | null;
}
/** A delivery the relay gave up on, for supervisors. */
export interface DeadLetterView {
  outboxId: string;
  applicationId: string;
  centerCode: string;
  centerName: string;
  type: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** 好差评 per center for the statistics: how many ratings of each grade, and the share of 满意 and 非常满意. */
export interface SatisfactionView {
  centerCode: string;
  centerName: string;
  count: number;
  byScore: Record<RatingScore, number>;
  /** (4 + 5) / count, rounded to a tenth of a percent. */
  satisfiedPercent: number;
}

/**
 * A transfer's form as the person filled it in, for applying again from it (applications.formValues, after a
 * refusal): their own data in full, to them only; a center no longer in the catalog is left to pick again.
 */
export interface TransferFormValues {
  transferOutCenter?: CenterSummary;
  transferInCenter?: CenterSummary;
  formerEmployer: string;
  formerAccount: string;
  newEmployer: string;
  newAccount: string;
  phone: string;
}
