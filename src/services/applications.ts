import Taro from '@tarojs/taro';
import type { ApplicationListEntry, ApplicationView, TransferCode, TransferPayload, WorkbenchEntry, WorkbenchView } from '../core/applications';
import { callFunction } from './cloud';
import { isWeapp } from './platform';

/** The typed calls of the `applications` function, for the employee's transfer, list and detail pages. */
export const applicationCalls = {
  /** A repeated `requestId` answers the id of the application it already made. */
  submit: (requestId: string, payload: TransferPayload) =>
    callFunction<{ id: string }>('applications', { action: 'submit', type: 'transfer', requestId, payload }),
  list: () => callFunction<ApplicationListEntry[]>('applications', { action: 'list' }),
  get: (id: string) => callFunction<ApplicationView>('applications', { action: 'get', id }),
  withdraw: (id: string) => callFunction<ApplicationView>('applications', { action: 'withdraw', id }),
};

/** The typed calls of the `workbench` function: center staff only, everyone else is refused (FORBIDDEN). */
export const workbenchCalls = {
  list: () => callFunction<WorkbenchEntry[]>('workbench', { action: 'list' }),
  /** The full applicant record; the function logs each view. */
  get: (id: string) => callFunction<WorkbenchView>('workbench', { action: 'get', id }),
  advance: (id: string, code: TransferCode, message?: string) =>
    callFunction<WorkbenchView>('workbench', message ? { action: 'advance', id, code, message } : { action: 'advance', id, code }),
  reject: (id: string, reason: string) => callFunction<WorkbenchView>('workbench', { action: 'reject', id, reason }),
  requestMaterial: (id: string, message: string) => callFunction<WorkbenchView>('workbench', { action: 'requestMaterial', id, message }),
};

/**
 * A fresh idempotency key for one submission (matches REQUEST_ID_PATTERN). It only has to be unique per
 * person, so time plus randomness is enough; no crypto API is needed on either platform.
 */
export function newRequestId(): string {
  const random = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `r${Date.now().toString(36)}${random()}${random()}`;
}

/**
 * In WeChat, asks once per submission to be notified of status changes. A refusal, or an old WeChat,
 * changes nothing: the status is always on 我的申请.
 */
export async function requestStatusNotice(): Promise<void> {
  if (!isWeapp || !STATUS_TEMPLATE_ID) return;
  try {
    // Taro's types require alipay's entityIds on every platform; WeChat takes tmplIds only
    const option = { tmplIds: [STATUS_TEMPLATE_ID] } as Taro.requestSubscribeMessage.Option;
    await Taro.requestSubscribeMessage(option);
  } catch {
    // refused or unsupported: submitting goes on
  }
}
