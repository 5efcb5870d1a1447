import { Text, View } from '@tarojs/components';
import { setElderMode, useElderMode } from '../../services/elder-mode';
import { ActionButton } from '../action-button';
import './index.scss';

/** The 标准版 / 长辈版 choice (on 首页 and 我的), remembered on this device; `id` names the card and its two buttons. */
export function ElderSwitch({ id }: { id: string }) {
  const elder = useElderMode();
  return (
    <View className='card elder-switch' id={id}>
      <View className='elder-switch-choices' role='group' aria-label='显示模式'>
        <ActionButton className={elder ? 'secondary-button elder-switch-button' : 'primary-button elder-switch-button'} id={`${id}-standard`} aria-pressed={!elder} onClick={() => setElderMode(false)}>
          标准版
        </ActionButton>
        <ActionButton className={elder ? 'primary-button elder-switch-button' : 'secondary-button elder-switch-button'} id={`${id}-elder`} aria-pressed={elder} onClick={() => setElderMode(true)}>
          长辈版
        </ActionButton>
      </View>
      <Text className='elder-switch-hint'>{elder ? '已切换为长辈版：大字体、大按钮，首页只留常用事项' : '长辈版：大字体、大按钮，首页只留常用事项'}</Text>
    </View>
  );
}
