import { Text, View } from '@tarojs/components';
import { verifyAndReturn } from '../../services/identity';
import { retryCanHelp, type ErrorCode } from '../../core/errors';
import { ActionButton } from '../action-button';
import { wayOut } from '../page-shell';
import './index.scss';

export interface StateViewProps {
  status: 'loading' | 'error' | 'empty';
  /** What went wrong, or what is missing, in plain Chinese. */
  message?: string;
  /** The failed call's code: 重试 is offered only where trying again can help (the network, a busy service). */
  code?: ErrorCode;
  onRetry?: () => void;
}

const DEFAULTS = { loading: '正在加载…', error: '加载失败，请稍后重试', empty: '暂无内容' } as const;

/** What the person can do about an error: try again, verify first, or leave the page (back, or 首页). */
function ErrorActions({ code, onRetry }: Pick<StateViewProps, 'code' | 'onRetry'>) {
  const out = wayOut();
  const leave = (primary: boolean) => (
    <ActionButton className={`${primary ? 'primary-button' : 'secondary-button'} state-action`} id='state-leave' onClick={out.go}>
      {out.back ? '返回上一页' : '回到首页'}
    </ActionButton>
  );
  if (code === 'IDENTITY_REQUIRED' || code === 'CONSENT_REQUIRED') {
    return (
      <View className='state-actions'>
        <ActionButton className='primary-button state-action' id='state-verify' onClick={verifyAndReturn}>
          去实名核验
        </ActionButton>
        {leave(false)}
      </View>
    );
  }
  if (onRetry && (code === undefined || retryCanHelp(code))) {
    return (
      <View className='state-actions'>
        <ActionButton className='primary-button state-action state-retry' id='state-retry' onClick={onRetry}>
          重试
        </ActionButton>
        {leave(false)}
      </View>
    );
  }
  return <View className='state-actions'>{leave(true)}</View>;
}

/** The loading, error and empty states every page shows the same way; an error comes with a useful way on. */
export function StateView({ status, message, code, onRetry }: StateViewProps) {
  return (
    <View className={`state-view state-${status}`}>
      <Text className='state-message' id={status === 'error' ? 'state-error-message' : undefined}>
        {message ?? DEFAULTS[status]}
      </Text>
      {status === 'error' ? <ErrorActions code={code} onRetry={onRetry} /> : null}
    </View>
  );
}
