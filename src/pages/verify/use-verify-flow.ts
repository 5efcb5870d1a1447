import { useState } from 'react';
import { CONSENT_VERSION } from '../../core/consent';
import type { ErrorCode, FieldErrors } from '../../core/errors';
import { realNameSchema, type DocType, type IdentityView, type RealName } from '../../core/identity';
import { parseInput } from '../../core/validation';
import { requestFace } from '../../services/face';
import { identityCalls, type CounterTicket } from '../../services/identity';

export const STEPS = ['填写信息', '授权说明', '人脸核身', '完成'] as const;
export type Step = 'form' | 'consent' | 'face' | 'done';
export const STEP_INDEX: Record<Step, number> = { form: 0, consent: 1, face: 2, done: 3 };

export interface VerifyForm {
  name: string;
  docType: DocType;
  docNumber: string;
}

/** What the face step is waiting for, shown while it runs. */
export type FacePhase = 'starting' | 'face' | 'confirming';
export const PHASE_MESSAGES: Record<FacePhase, string> = {
  starting: '正在发起人脸核身…',
  face: '请按微信提示完成人脸核身…',
  confirming: '正在向微信确认核验结果…',
};

export type Outcome =
  | { kind: 'verified'; view: IdentityView }
  /** `pendingVerifyId`: WeChat did not answer the confirmation; the same session may be confirmed again. */
  | { kind: 'failed'; code: ErrorCode | 'FACE_NOT_SUPPORTED'; message: string; pendingVerifyId?: string };

const EMPTY_FORM: VerifyForm = { name: '', docType: '01', docNumber: '' };

/**
 * The verification steps: the form checked on the client, consent recorded, then start, WeChat's face
 * step and confirm. Only the confirm answer decides success; what the face step reports is ignored.
 */
export function useVerifyFlow() {
  const [step, setStep] = useState<Step>('form');
  const [form, setForm] = useState<VerifyForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  /** The checked form, kept (unshown) for the calls and for 重试. */
  const [checked, setChecked] = useState<RealName | undefined>(undefined);
  /** Why the counter route is shown instead of going on: the document type, or consent refused. */
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const [consentError, setConsentError] = useState<string | undefined>(undefined);
  const [phase, setPhase] = useState<FacePhase>('starting');
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  /** The counter route: the code to show at a window, once asked for; or why asking failed. */
  const [counter, setCounter] = useState<CounterTicket | undefined>(undefined);
  const [counterError, setCounterError] = useState<string | undefined>(undefined);

  const edit = (field: keyof VerifyForm, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setCounterError(undefined);
    setErrors((e) => {
      // the name and number rules depend on the document type: its change makes every message stale
      if (field === 'docType') return {};
      const next = { ...e };
      delete next[field];
      delete next._;
      return next;
    });
  };

  /** 下一步: checks the form on the client; nothing is sent until it passes. */
  const submitForm = () => {
    const parsed = parseInput(realNameSchema(new Date()), form);
    if (!parsed.ok) {
      setErrors(parsed.fields ?? { _: parsed.message });
      return;
    }
    setErrors({});
    setChecked(parsed.data);
    setRefused(false);
    setConsentError(undefined);
    setStep('consent');
  };

  const finish = (next: Outcome) => {
    setOutcome(next);
    setStep('done');
  };

  /** start (unless a pending session is being confirmed again), WeChat's face step, then confirm. */
  const runFace = async (realName: RealName, pendingVerifyId?: string) => {
    setBusy(true);
    setStep('face');
    try {
      let verifyId = pendingVerifyId;
      if (!verifyId) {
        setPhase('starting');
        const started = await identityCalls.start(realName, CONSENT_VERSION);
        if (!started.ok) {
          if (started.code === 'VALIDATION_FAILED' || started.code === 'FACE_UNSUPPORTED') {
            // the server's own check of the form: shown under the fields, as the client's are
            setErrors(started.fields ?? { _: started.message });
            setStep('form');
            return;
          }
          finish({ kind: 'failed', code: started.code, message: started.message });
          return;
        }
        verifyId = started.data.verifyId;
        setPhase('face');
        try {
          await requestFace(verifyId);
        } catch (error) {
          finish({ kind: 'failed', code: 'FACE_NOT_SUPPORTED', message: (error as Error).message });
          return;
        }
      }
      setPhase('confirming');
      const confirmed = await identityCalls.confirm(verifyId);
      if (confirmed.ok && confirmed.data.status === 'verified') {
        // the full name and number are not needed any more: drop them
        setForm(EMPTY_FORM);
        setChecked(undefined);
        finish({ kind: 'verified', view: confirmed.data });
      } else if (confirmed.ok) {
        finish({ kind: 'failed', code: 'VERIFICATION_FAILED', message: '核验未完成，请重试' });
      } else {
        const retryable = confirmed.code === 'WECHAT_UNAVAILABLE' || confirmed.code === 'INTERNAL';
        finish({ kind: 'failed', code: confirmed.code, message: confirmed.message, pendingVerifyId: retryable ? verifyId : undefined });
      }
    } finally {
      setBusy(false);
    }
  };

  /** 同意并继续: records the consent of this version, then runs the face step. */
  const agree = async () => {
    if (!checked) return;
    setBusy(true);
    setConsentError(undefined);
    const consent = await identityCalls.consent(CONSENT_VERSION);
    setBusy(false);
    if (!consent.ok) {
      setConsentError(consent.message);
      return;
    }
    await runFace(checked);
  };

  const retry = () => {
    if (!checked || outcome?.kind !== 'failed') return;
    void runFace(checked, outcome.pendingVerifyId);
  };

  /**
   * 申请柜台核验码: the form as it stands (checked here first, then by the server) for a code to show with
   * the document at any center's window; the consent of this version is recorded first (the server takes no ID
   * number without it). Problems with the form go back to it, under the fields.
   */
  const requestCounter = async () => {
    const parsed = parseInput(realNameSchema(new Date()), form);
    if (!parsed.ok) {
      setErrors(parsed.fields ?? { _: parsed.message });
      setOutcome(undefined);
      setRefused(false);
      setStep('form');
      return;
    }
    setBusy(true);
    setCounterError(undefined);
    try {
      // asking for a code is agreeing to keep the name and number (sealed) as the consent text says, without face
      const consent = await identityCalls.consent(CONSENT_VERSION);
      if (!consent.ok) {
        setCounterError(consent.message);
        return;
      }
      const requested = await identityCalls.requestCounter(parsed.data, CONSENT_VERSION);
      if (requested.ok) {
        // staff find the name and the number (to check against the document) by the code: the page needs them no more
        setForm(EMPTY_FORM);
        setChecked(undefined);
        setErrors({});
        setCounter(requested.data);
      } else if (requested.code === 'VALIDATION_FAILED') {
        setErrors(requested.fields ?? { _: requested.message });
        setOutcome(undefined);
        setRefused(false);
        setStep('form');
      } else {
        setCounterError(requested.message);
      }
    } finally {
      setBusy(false);
    }
  };

  const backToForm = () => {
    setOutcome(undefined);
    setRefused(false);
    setStep('form');
  };

  return {
    step,
    form,
    errors,
    checked,
    refused,
    busy,
    consentError,
    phase,
    outcome,
    counter,
    counterError,
    edit,
    submitForm,
    agree: () => void agree(),
    refuse: () => setRefused(true),
    reconsider: () => setRefused(false),
    retry,
    backToForm,
    requestCounter: () => void requestCounter(),
  };
}
