import { Text } from '@tarojs/components';
import { PROVISIONAL_NOTE } from '../../core/calendar';
import './index.scss';

/**
 * A China date that never breaks across lines, followed by （预计） — in words, not only in colour — when it was
 * counted on weekends only because its year's State Council arrangement is not loaded.
 */
export function DateText({ date, provisional = false }: { date: string; provisional?: boolean }) {
  return (
    <Text className='date-text'>
      <Text className='date-text-date'>{date}</Text>
      {provisional ? <Text className='date-text-provisional'>（预计）</Text> : null}
    </Text>
  );
}

/** Under a date marked （预计）: what the estimate means (`#<id>`). */
export function ProvisionalNote({ id }: { id: string }) {
  return (
    <Text className='provisional-note' id={id}>
      {PROVISIONAL_NOTE}
    </Text>
  );
}
