import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { CenterSummary } from '../../core/centers';
import { ITEMS, MODE_LABELS } from '../../core/items';
import { CLOSED_PAGE } from '../../services/cloud';
import { whoami } from '../../services/identity';
import { myCenter } from '../../services/my-center';
import { isH5 } from '../../services/platform';
import './index.scss';

const go = (url: string) => void Taro.navigateTo({ url });

/**
 * Home: search, my center, the eight cross-province items with their handling modes. Before launch a person without a
 * role gets 内部试用中 instead (issue 15).
 */
export default function Home() {
  const [mine, setMine] = useState<CenterSummary | undefined>(undefined);
  useDidShow(() => setMine(myCenter()));
  useEffect(() => {
    void whoami().then((answer) => {
      if (answer.ok && !answer.data.launch.open) void Taro.reLaunch({ url: CLOSED_PAGE });
    });
  }, []);

  return (
    <View className='home'>
      <View className='home-banner'>
        <Text className='home-title'>住房公积金 跨省通办</Text>
        <Text className='home-subtitle'>数据多跑路，群众少跑腿</Text>
      </View>
      <View className='home-search' id='home-search' onClick={() => go('/pages/search/index')}>
        <Text>搜索中心：城市名、拼音或首字母</Text>
      </View>

      <View className='card my-center' id='my-center'>
        {mine ? (
          <View className='my-center-body' onClick={() => go(`/pages/center/index?code=${mine.code}`)}>
            <Text className='my-center-label'>我的中心</Text>
            <Text className='my-center-name'>{mine.name}</Text>
            <Text className='phone'>{mine.phone}</Text>
          </View>
        ) : (
          <View className='my-center-body' onClick={() => go('/pages/directory/index')}>
            <Text className='my-center-label'>我的中心</Text>
            <Text className='my-center-empty'>尚未选择，点此按省份查找并设为我的中心</Text>
          </View>
        )}
      </View>

      <Text className='section-title'>跨省通办事项</Text>
      <View className='item-grid'>
        {ITEMS.map((item) => (
          <View key={item.id} className='item-cell' id={`item-${item.id}`} onClick={() => go(`/pages/item/index?item=${item.id}`)}>
            <Text className='item-name'>{item.short}</Text>
            <Text className={`tag tag-${item.mode}`}>{MODE_LABELS[item.mode]}</Text>
          </View>
        ))}
      </View>

      <View className='card home-links'>
        <View className='home-link' id='go-transfer' onClick={() => go('/pages/transfer/index')}>
          <Text>异地转移接续（在线申请）</Text>
        </View>
        <View className='home-link' id='go-applications' onClick={() => go('/pages/applications/index')}>
          <Text>我的申请</Text>
        </View>
        <View className='home-link' id='go-mine' onClick={() => go('/pages/mine/index')}>
          <Text>实名核验与我的信息</Text>
        </View>
        <View className='home-link' id='go-directory' onClick={() => go('/pages/directory/index')}>
          <Text>按省份查找中心</Text>
        </View>
        {isH5 ? (
          <View className='home-link' id='go-sign-in' onClick={() => go('/packages/dev/sign-in/index')}>
            <Text>切换身份（本地开发）</Text>
          </View>
        ) : null}
      </View>
    </View>
  );
}
