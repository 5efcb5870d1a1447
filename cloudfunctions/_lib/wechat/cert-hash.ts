import { createHash } from 'node:crypto';

/**
 * The identity WeChat face verification 2.0 checks a face against (getVerifyId's `cert_info`).
 * Only the mainland resident identity card is used here.
 */
export interface CertInfo {
  certType: 'IDENTITY_CARD';
  /** 证件姓名 */
  certName: string;
  /** 证件号码 — personal data: never log it or put it in an error message. */
  certNo: string;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * WeChat's `cert_hash` for queryVerifyInfo: standard base64 of each of cert_type, cert_name and cert_no
 * (UTF-8), joined as `cert_type=<b64>&cert_name=<b64>&cert_no=<b64>`, SHA-256, lower-case hex.
 * The fields are hashed exactly as sent to getVerifyId (no trimming or normalisation), so the hash
 * matches what WeChat computes from the stored cert_info.
 * It is an UNKEYED hash of a name and an ID number (a number was recovered from it in 0.6 s): never store or
 * log it; compute it when confirming, from the sealed name and number opened for that call.
 */
export function certHash(cert: CertInfo): string {
  const joined = `cert_type=${b64(cert.certType)}&cert_name=${b64(cert.certName)}&cert_no=${b64(cert.certNo)}`;
  return createHash('sha256').update(joined, 'utf8').digest('hex');
}
