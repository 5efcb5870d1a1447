import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { CenterSummary } from '../../core/centers';
import { dialNumber } from '../../core/centers';
import { ElderSwitch } from '../elder-switch';
import './index.scss';

interface Entry {
  id: string;
  icon: string;
  name: string;
  /** What tapping it does: a page to open, or the center's phone to call. */
  go: () => void;
}

const open = (url: string) => () => void Taro.navigateTo({ url });
// the tab bar's pages are reached with switchTab
const tab = (url: string) => () => void Taro.switchTab({ url });

/** The frequent things only, for 长辈版's home: large icons (a big character each) and large words. */
function entries(mine: CenterSummary | undefined): Entry[] {
  return [
    { id: 'elder-go-transfer', icon: '转', name: '转移接续', go: open('/pages/transfer/index') },
    { id: 'elder-go-applications', icon: '进', name: '办理进度', go: tab('/pages/applications/index') },
    { id: 'elder-item-1', icon: '查', name: '缴存查询', go: open('/pages/item/index?item=1') },
    { id: 'elder-item-3', icon: '退', name: '退休提取', go: open('/pages/item/index?item=3') },
    mine
      ? { id: 'elder-call', icon: '话', name: '打电话问', go: () => void Taro.makePhoneCall({ phoneNumber: dialNumber(mine.phone) }) }
      : { id: 'elder-go-directory', icon: '找', name: '找我的中心', go: open('/pages/directory/index') },
    { id: 'elder-go-mine', icon: '我', name: '我的', go: tab('/pages/mine/index') },
  ];
}

/** 长辈版's home: the 标准版 / 长辈版 switch first, my center, then six large entries. */
export function ElderHome({ mine }: { mine: CenterSummary | undefined }) {
  return (
    <View className='elder-home'>
      <ElderSwitch id='home-elder-switch' />
      {mine ? (
        <View className='card elder-home-center' id='elder-my-center'>
          <Text className='elder-home-label'>我的中心</Text>
          <Text className='elder-home-name'>{mine.name}</Text>
          <Text className='elder-home-phone'>服务热线 {mine.phone}</Text>
        </View>
      ) : null}
      <View className='elder-home-grid'>
        {entries(mine).map((entry) => (
          <View key={entry.id} className='elder-home-cell' id={entry.id} role='button' onClick={entry.go}>
            <Text className='elder-home-icon' aria-hidden>
              {entry.icon}
            </Text>
            <Text className='elder-home-cell-name'>{entry.name}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
