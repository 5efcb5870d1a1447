/**
 * LOCAL / TEST TOOL — never part of a production deployment (openWechat refuses WECHAT_MODE=simulator
 * in a production build and loads this file only when asked for it).
 *
 * An in-memory stand-in for WeChat's face verification 2.0 and phone-number exchange, behind the same
 * WechatApi as the HTTPS client. It checks what WeChat checks — out_seq_no format and uniqueness, and
 * that queryVerifyInfo names the verify_id, out_seq_no, openid and cert_hash getVerifyId was given —
 * and answers with the outcome chosen by setOutcome.
 *
 * WeChat does not document the errcodes of these refusals; the values below are the simulator's
 * choice (see SIMULATOR_ERRCODES) and callers must not depend on them beyond `errcode !== 0`.
 */
import { randomBytes } from 'node:crypto';
import { certHash, type CertInfo } from './cert-hash';
import { assertOutSeqNo, ERRCODE_INVALID_ARGS, ERRCODE_NETWORK, VERIFY_RET_OK, WechatApiError, type SubscribeMessage, type UnlimitedCodeInput, type WechatApi } from './client';

export type SimulatedOutcome = 'pass' | 'fail' | 'expired' | 'timeout';

export const SIMULATOR_ERRCODES = {
  /** out_seq_no already used for this appid, or out_seq_no / cert_hash not those of the verify_id (WeChat's "invalid args"). */
  invalidArgs: ERRCODE_INVALID_ARGS,
  /** openid not the one the verify_id was issued to (WeChat's "invalid openid"). */
  invalidOpenid: 40003,
  /** verify_id never issued (the errcode WeChat's face verification 1.0 used for an invalid identify id). */
  unknownVerifyId: 84001,
  /** verify_id older than its expires_in (face verification 1.0's "user information expired"). */
  expiredVerifyId: 84002,
  /** getPhoneNumber with a code WeChat does not know. */
  invalidCode: 40029,
} as const;

/** verify_ret the 'fail' outcome answers: 90011 人脸数据采集无效. */
export const SIMULATED_FAIL_VERIFY_RET = 90011;
export const SIMULATED_VERIFY_EXPIRES_IN = 3600;

/** A phone code the local host's H5 page can send without a real WeChat: sim-phone-<11 digits>. */
const SIM_PHONE_CODE = /^sim-phone-(\d{11})$/;

export interface WechatSimulator extends WechatApi {
  /** How the next queryVerifyInfo calls answer. Default 'pass'. */
  setOutcome(outcome: SimulatedOutcome): void;
  /** Makes getPhoneNumber(code) answer `phone`. */
  setPhone(code: string, phone: string): void;
  /** How many verify_ids getVerifyId has issued. */
  issued(): number;
  /** Subscribe messages "sent", oldest first: the local sender's record. */
  sentMessages(): readonly SubscribeMessage[];
  /** The mini-program codes asked for, oldest first. */
  codesMade(): readonly UnlimitedCodeInput[];
}

/** WeChat's limits on a mini-program code's scene (32 visible characters) and width (280-1280 px, 430 by default). */
export const CODE_SCENE = /^[!#$&'()*+,/:;=?@\-._~0-9A-Za-z]{1,32}$/;
const PAGE = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/i;
/** errcode 40169 invalid scene, 41030 invalid page (WeChat's documented codes). */
export const CODE_ERRCODES = { invalidScene: 40169, invalidPage: 41030 } as const;

interface Issued {
  outSeqNo: string;
  openid: string;
  certHash: string;
  issuedAt: number;
}

export function createWechatSimulator(options: { now?: () => number } = {}): WechatSimulator {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Issued>();
  const usedOutSeqNos = new Set<string>();
  const phones = new Map<string, string>();
  let outcome: SimulatedOutcome = 'pass';
  const sent: SubscribeMessage[] = [];
  const codes: UnlimitedCodeInput[] = [];

  const refusal = (errcode: number, errmsg: string) => ({ errcode, errmsg, verifyRet: undefined });

  return {
    async getVerifyId({ outSeqNo, cert, openid }: { outSeqNo: string; cert: CertInfo; openid: string }) {
      assertOutSeqNo(outSeqNo);
      if (!openid) throw new WechatApiError(SIMULATOR_ERRCODES.invalidOpenid, 'invalid openid');
      if (cert.certType !== 'IDENTITY_CARD' || !cert.certName || !cert.certNo) throw new WechatApiError(ERRCODE_INVALID_ARGS, 'invalid cert_info');
      if (usedOutSeqNos.has(outSeqNo)) throw new WechatApiError(SIMULATOR_ERRCODES.invalidArgs, 'out_seq_no already used');
      usedOutSeqNos.add(outSeqNo);
      const verifyId = `sim-verify-${randomBytes(12).toString('hex')}`;
      sessions.set(verifyId, { outSeqNo, openid, certHash: certHash(cert), issuedAt: now() });
      return { verifyId, expiresIn: SIMULATED_VERIFY_EXPIRES_IN };
    },

    async queryVerifyInfo({ verifyId, outSeqNo, certHash: hash, openid }) {
      // a network timeout happens before WeChat looks at anything
      if (outcome === 'timeout') throw new WechatApiError(ERRCODE_NETWORK, 'timeout');
      const issued = sessions.get(verifyId);
      if (!issued) return refusal(SIMULATOR_ERRCODES.unknownVerifyId, 'invalid verify_id');
      if (issued.openid !== openid) return refusal(SIMULATOR_ERRCODES.invalidOpenid, 'openid does not match verify_id');
      if (issued.outSeqNo !== outSeqNo) return refusal(SIMULATOR_ERRCODES.invalidArgs, 'out_seq_no does not match verify_id');
      if (issued.certHash !== hash) return refusal(SIMULATOR_ERRCODES.invalidArgs, 'cert_hash does not match verify_id');
      if (outcome === 'expired' || now() - issued.issuedAt > SIMULATED_VERIFY_EXPIRES_IN * 1000) return refusal(SIMULATOR_ERRCODES.expiredVerifyId, 'verify_id expired');
      if (outcome === 'fail') return { errcode: 0, errmsg: 'ok', verifyRet: SIMULATED_FAIL_VERIFY_RET };
      return { errcode: 0, errmsg: 'ok', verifyRet: VERIFY_RET_OK };
    },

    async getPhoneNumber(code) {
      const phone = phones.get(code) ?? SIM_PHONE_CODE.exec(code)?.[1];
      if (phone === undefined) throw new WechatApiError(SIMULATOR_ERRCODES.invalidCode, 'invalid code');
      return { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86' };
    },

    async sendSubscribeMessage(message) {
      if (!message.touser || !message.templateId) throw new WechatApiError(ERRCODE_INVALID_ARGS, 'invalid touser or template_id');
      sent.push(message);
    },

    async getUnlimitedCode(input) {
      if (!CODE_SCENE.test(input.scene)) throw new WechatApiError(CODE_ERRCODES.invalidScene, 'invalid scene');
      if (!PAGE.test(input.page)) throw new WechatApiError(CODE_ERRCODES.invalidPage, 'invalid page');
      codes.push(input);
      // a real QR code a phone can read: what the mini-program code would open, the page and its scene
      const { toBuffer } = await import('qrcode');
      const png = await toBuffer(`${input.page}?scene=${encodeURIComponent(input.scene)}`, { type: 'png', width: input.width ?? 430, margin: 2 });
      return new Uint8Array(png);
    },

    setOutcome(next) {
      outcome = next;
    },
    setPhone(code, phone) {
      phones.set(code, phone);
    },
    issued() {
      return sessions.size;
    },
    sentMessages() {
      return sent;
    },
    codesMade() {
      return codes;
    },
  };
}
