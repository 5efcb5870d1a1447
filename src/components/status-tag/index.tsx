import { Text } from '@tarojs/components';
import { STATUS_LABELS, STOPPED_STATUSES, type ApplicationStatus } from '../../core/applications/status';
import './index.scss';

/** How a status looks: still moving, done, withdrawn (grey), or refused or failed (destructive red: 不予受理, 办理失败). */
export type StatusTone = 'moving' | 'done' | 'withdrawn' | 'stopped';

export function statusTone(status: ApplicationStatus): StatusTone {
  if (status === 'completed') return 'done';
  if (status === 'withdrawn') return 'withdrawn';
  return STOPPED_STATUSES.includes(status) ? 'stopped' : 'moving';
}

/** An application's status as a tag: its words always (never colour alone), coloured by its tone, never broken. */
export function StatusTag({ status, id }: { status: ApplicationStatus; id?: string }) {
  return (
    <Text className={`status-tag status-tag-${statusTone(status)}`} id={id}>
      {STATUS_LABELS[status]}
    </Text>
  );
}
