import type { ApplicationState } from './state-machine';
import type { ApplicationType } from './status';

/** The employee's steps, in order, per type; a finished application may end off them (失败, 已撤销, 不予受理). */
export const TRANSFER_STEPS = ['提交', '送达中心', '受理', '转出地确认', '协商中', '办结'] as const;
export const CERTIFICATE_STEPS = ['提交', '送达中心', '受理', '出具证明', '办结'] as const;
export const PURCHASE_STEPS = ['提交', '送达中心', '购房地核验', '缴存地办理', '办结'] as const;
export const SERVICE_STEPS = ['提交', '送达中心', '受理', '办理中', '办结'] as const;
export type StepName =
  | (typeof TRANSFER_STEPS)[number]
  | (typeof CERTIFICATE_STEPS)[number]
  | (typeof PURCHASE_STEPS)[number]
  | (typeof SERVICE_STEPS)[number]
  | '失败'
  | '已撤销'
  | '不予受理';
export function stepsOf(type: ApplicationType): readonly StepName[] {
  if (type === 'transfer') return TRANSFER_STEPS;
  if (type === 'purchase-withdrawal') return PURCHASE_STEPS;
  if (type === 'service-request') return SERVICE_STEPS;
  return CERTIFICATE_STEPS;
}

/** The step the employee sees for a state of an application of `type`. */
export function stepOf(type: ApplicationType, state: ApplicationState): StepName {
  if (type === 'purchase-withdrawal') {
    if (state.status === 'accepted') return '购房地核验';
    if (state.status === 'verified' || state.status === 'processing') return '缴存地办理';
  }
  if (type === 'service-request' && state.status === 'processing') return '办理中';
  if (type !== 'transfer' && state.status === 'processing') return '出具证明';
  switch (state.status) {
    case 'submitted':
      return '提交';
    case 'delivered':
      return '送达中心';
    case 'accepted':
    case 'verified':
      return '受理';
    case 'processing':
      return state.platformCode === '06' || state.platformCode === '13' ? '协商中' : '转出地确认';
    case 'completed':
      return '办结';
    case 'failed':
      return '失败';
    case 'withdrawn':
      return '已撤销';
    case 'rejected':
      return '不予受理';
  }
}


/**
 * A step as the progress bar draws it: passed, where the case is now (the step it ended on off the main path, when it
 * has), or still ahead. A case at the main path's last step (办结) has passed every step it shows.
 */
export interface ProgressStep {
  name: StepName;
  state: 'done' | 'current' | 'pending';
  /** The step a case ended on off the main path (已撤销, 不予受理, 失败). */
  ended: boolean;
}

/**
 * The progress of a case of `type` now at step `current`, whose timeline reached the steps `reached`: the main path,
 * each step done only if the case went through it. A step it passed over is left out, never drawn as done (协商中 of
 * a transfer that went straight to 办结, 出具证明 of a certificate completed at once); 送达中心 counts as passed once a
 * center has answered (a callback may come before the relay records the delivery). A case that ended off the path ends
 * on that step, after the last one it reached.
 */
export function progressOf(type: ApplicationType, current: StepName, reached: readonly StepName[]): ProgressStep[] {
  const main = stepsOf(type);
  const onPath = main.includes(current);
  const visited = new Set<StepName>(['提交', current, ...reached]);
  const last = onPath ? main.indexOf(current) : Math.max(0, ...main.map((s, i) => (visited.has(s) ? i : 0)));
  const passed = (s: StepName, i: number) => visited.has(s) || (s === '送达中心' && i < last);
  const steps: ProgressStep[] = [];
  main.forEach((name, i) => {
    if (i < last && passed(name, i)) steps.push({ name, state: 'done', ended: false });
    if (i === last) steps.push({ name, state: onPath && i < main.length - 1 ? 'current' : 'done', ended: false });
    if (i > last && onPath) steps.push({ name, state: 'pending', ended: false });
  });
  return onPath ? steps : [...steps, { name: current, state: 'current', ended: true }];
}
