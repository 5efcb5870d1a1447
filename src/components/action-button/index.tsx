import { Button, type ButtonProps } from '@tarojs/components';
import type { PropsWithChildren } from 'react';

/**
 * Taro's Button, with `disabled` set only when true: Taro H5 renders disabled={false} as the attribute
 * disabled="false", which its CSS greys out, leaving the label unreadable.
 */
export function ActionButton({ disabled, ...props }: PropsWithChildren<ButtonProps>) {
  return <Button {...props} disabled={disabled || undefined} />;
}
