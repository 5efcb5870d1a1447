import * as z from 'zod';
import { APPLICATION_TYPES, isCertificateType, type ApplicationStatus, type ApplicationType } from './applications/status';

/**
 * The certificate code (issue 18 point 1, 亮码): a short-lived token the platform signs (Ed25519) that a center reads
 * in the portal and anyone may check. Its form is documented in docs/certificate-code.md; the signing and checking
 * are server-side (cloudfunctions/_lib/crypto/code-signing.ts). Here: the token's text form, what the reader sees,
 * why a code is refused, and the answers of `applications showCode / codeReads`, `portal readCode` and `centers
 * verifyCode`.
 */

/** The token's first part: the form's name and version. A token of another form is refused as forged. */
export const CODE_TOKEN_PREFIX = 'GJJC1';
/** A token as typed or scanned: the prefix, the payload and the signature in base64url, dot-separated. */
export const CODE_TOKEN_PATTERN = /^GJJC1\.[A-Za-z0-9_-]{20,600}\.[A-Za-z0-9_-]{86}$/;
/** Longest token accepted in an event (a real one is about 300 characters). */
export const CODE_TOKEN_MAX = 800;

/** Reads a holder may allow on one code at most (each 允许再读一次 adds one). */
export const CODE_READS_MAX = 5;
/** Reads one staff member may make an hour, valid or not (a guessing or scraping bound). */
export const CODE_READS_PER_STAFF_HOUR = 60;
/** Public checks one caller may make an hour. */
export const CODE_CHECKS_PER_HOUR = 120;

/** Whether a case has a code to show: a completed certificate (items 2 and 8) with its document, or any case with a document a center returned. */
export const canShowCode = (app: { type: ApplicationType; status: ApplicationStatus; documentCount: number }) =>
  app.documentCount > 0 && (!isCertificateType(app.type) || app.status === 'completed');

/** The page that shows the code (a subpackage: the QR drawing stays out of the main package). */
export const SHOW_CODE_PAGE = '/packages/code/show/index';

/** The signed payload: no personal data, so a photo of the code gives away nothing but the document's hash. */
export const CodePayloadSchema = z.object({
  /** The key's id (the first 8 hex of the public key's sha256), for rotation. */
  k: z.string().regex(/^[0-9a-f]{8}$/),
  /** The code's id. */
  c: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  /** The application's type. */
  t: z.enum(APPLICATION_TYPES),
  /** The issuing center's code. */
  z: z.string().regex(/^\d{6}$/),
  /** The document's sha256 (hex). */
  h: z.string().regex(/^[0-9a-f]{64}$/),
  /** Expiry, seconds since 1970 (24:00 China time of the day it was shown). */
  e: z.number().int().positive(),
});
export type CodePayload = z.infer<typeof CodePayloadSchema>;

/** Why a center's read is refused. */
export const CODE_REFUSALS = ['forged', 'altered', 'expired', 'used', 'revoked'] as const;
export type CodeRefusal = (typeof CODE_REFUSALS)[number];
export const CODE_REFUSAL_LABELS: Record<CodeRefusal, string> = {
  forged: '这不是平台签发的码（签名不符），请勿受理',
  altered: '码的内容被改动过（签名不符），请勿受理',
  expired: '码已过有效期（当日 24:00 止），请持有人重新亮码',
  used: '码已被读取过，按规定只能读取一次；请持有人在小程序中允许再读一次或重新亮码',
  revoked: '持有人已作废这个码，请持有人重新亮码',
};

/** What the public check answers: never who, never what. */
export const CODE_CHECKS = ['valid', 'invalid', 'expired', 'used'] as const;
export type CodeCheck = (typeof CODE_CHECKS)[number];
export const CODE_CHECK_LABELS: Record<CodeCheck, string> = { valid: '有效', invalid: '无效', expired: '已过期', used: '已使用' };

/** Exactly what a center reading the code sees: the certificate, masked as the certificate shows the holder. */
export interface CodeShows {
  /** 证明类型, e.g. 无贷款证明（贷款结清证明） or the item's document. */
  title: string;
  holderName: string;
  holderDocNumber: string;
  issuingCenter: { code: string; name: string };
  document: { name: string; sha256: string; issuedAt: string };
}

/** `applications showCode`: the token for the QR code, until when it lasts, what the reader will see, its reads. */
export interface ShownCode {
  token: string;
  /** ISO instant: 24:00 China time of the day it was shown. */
  expiresAt: string;
  shows: CodeShows;
  readsAllowed: number;
  readsUsed: number;
}

/** One read of a holder's code, as the holder sees it in the history. */
export interface CodeReadView {
  at: string;
  centerCode: string;
  centerName: string;
  /** 'valid' for a read that showed the certificate, else why it was refused ('altered': a changed copy of this code). */
  outcome: 'valid' | Exclude<CodeRefusal, 'forged'>;
}

/** A read's outcome in the holder's words (the read history, the copy of their data). */
export const CODE_READ_LABELS: Record<CodeReadView['outcome'], string> = {
  valid: '已读取，对方看到了证明',
  used: '被拒绝：码已读取过',
  expired: '被拒绝：码已过期',
  revoked: '被拒绝：码已作废',
  altered: '被拒绝：对方出示的码被改动过，如有疑问请作废此码',
};

/** `applications codeReads`: the current code's state (none shown yet: null) and every read of the case's codes, oldest first. */
export interface CodeReads {
  current: { expiresAt: string; readsAllowed: number; readsUsed: number; revoked: boolean } | null;
  reads: CodeReadView[];
}

/** `portal readCode`: the certificate, or the refusal with its reason. */
export type CodeReadResult =
  | { status: 'valid'; certificate: CodeShows; readAt: string; expiresAt: string }
  | { status: 'refused'; reason: CodeRefusal; message: string };

/** `centers verifyCode`. */
export interface CodeCheckResult {
  result: CodeCheck;
  label: string;
}

/** A token field of an event: trimmed, spaces and line breaks a scanner or a paste adds taken out. */
export const CodeTokenSchema = z
  .string({ error: '请输入或扫描码的内容' })
  .max(CODE_TOKEN_MAX, '码的内容过长，请重新扫描')
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(
    z
      .string()
      .min(1, '请输入或扫描码的内容')
      // a token is GJJC1.<base64url>.<base64url>: anything else (a control character, a Chinese word) is no code
      .regex(/^[A-Za-z0-9._-]+$/, '码的内容有误：只含字母、数字和“.”“_”“-”，请重新扫描或核对后输入'),
  );
