import { Button, Text, View } from '@tarojs/components';
import './index.scss';

export interface StateViewProps {
  status: 'loading' | 'error' | 'empty';
  /** What went wrong, or what is missing, in plain Chinese. */
  message?: string;
  onRetry?: () => void;
}

const DEFAULTS = { loading: '正在加载…', error: '加载失败，请稍后重试', empty: '暂无内容' } as const;

/** The loading, error and empty states every page shows the same way. */
export function StateView({ status, message, onRetry }: StateViewProps) {
  return (
    <View className={`state-view state-${status}`}>
      <Text className='state-message'>{message ?? DEFAULTS[status]}</Text>
      {status === 'error' && onRetry ? (
        <Button className='state-retry' size='mini' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  );
}
