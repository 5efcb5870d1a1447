import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import hotlineIcon from '../../assets/home/hotline.png';
import item1 from '../../assets/home/item-1.png';
import item2 from '../../assets/home/item-2.png';
import item3 from '../../assets/home/item-3.png';
import item4 from '../../assets/home/item-4.png';
import item5 from '../../assets/home/item-5.png';
import item6 from '../../assets/home/item-6.png';
import item7 from '../../assets/home/item-7.png';
import item8 from '../../assets/home/item-8.png';
import { ActionButton } from '../../components/action-button';
import type { CenterWithDomains } from '../../core/business-domains';
import { dialNumber, type CenterSummary } from '../../core/centers';
import { itemTag } from '../../core/item-tags';
import { ITEMS, type ItemId } from '../../core/items';
import { callFunction, CLOSED_PAGE } from '../../services/cloud';
import { whoami } from '../../services/identity';
import { myCenter } from '../../services/my-center';
import { isH5 } from '../../services/platform';
import { withPageShell } from '../../components/page-shell';
import { ElderHome } from '../../components/elder-home';
import { ElderSwitch } from '../../components/elder-switch';
import { useElderMode } from '../../services/elder-mode';
import './index.scss';

const go = (url: string) => void Taro.navigateTo({ url });
const tab = (url: string) => void Taro.switchTab({ url });

/** The grid's icons (drawn by tools/icons/make.ts). */
const ICONS: Record<ItemId | 'hotline', string> = { 1: item1, 2: item2, 3: item3, 4: item4, 5: item5, 6: item6, 7: item7, 8: item8, hotline: hotlineIcon };

/** 12329 without an area code reaches the center of where the phone is; my center's own line once one is chosen. */
const NATIONAL_HOTLINE = '12329';

/** My center with its channels, for the items' tags; undefined while none is chosen or it is loading. */
function useCenterLinks(code: string | undefined): CenterWithDomains | undefined {
  const [center, setCenter] = useState<CenterWithDomains | undefined>(undefined);
  useEffect(() => {
    setCenter(undefined);
    if (code === undefined) return undefined;
    let current = true;
    void callFunction<{ center: CenterWithDomains }>('centers', { action: 'get', code }).then((answer) => {
      if (current && answer.ok) setCenter(answer.data.center);
    });
    return () => {
      current = false;
    };
  }, [code]);
  return center;
}

/**
 * Home: search, my center with the 12329 hotline, the eight cross-province items as an icon grid, each tagged with how
 * my center handles it, and the frequent services. Before launch a person without a role gets 内部试用中 instead
 * (issue 15).
 */
function Home() {
  const [mine, setMine] = useState<CenterSummary | undefined>(undefined);
  useDidShow(() => setMine(myCenter()));
  useEffect(() => {
    void whoami().then((answer) => {
      if (answer.ok && !answer.data.launch.open) void Taro.reLaunch({ url: CLOSED_PAGE });
    });
  }, []);
  const center = useCenterLinks(mine?.code);
  const hotline = mine?.phone ?? NATIONAL_HOTLINE;
  // 长辈版: the frequent items only, large
  const elder = useElderMode();
  if (elder) return <ElderHome mine={mine} />;

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
          </View>
        ) : (
          <View className='my-center-body' onClick={() => go('/pages/directory/index')}>
            <Text className='my-center-label'>我的中心</Text>
            <Text className='my-center-empty'>尚未选择，点此按省份查找并设为我的中心</Text>
          </View>
        )}
        <View className='hotline' id='home-hotline'>
          <Image className='hotline-icon' src={ICONS.hotline} aria-hidden />
          <View className='hotline-words'>
            <Text className='hotline-title'>12329 住房公积金服务热线</Text>
            <Text className='hotline-number nowrap' id='home-hotline-number'>
              {hotline}
            </Text>
          </View>
          <ActionButton className='secondary-button hotline-call' id='home-hotline-call' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(hotline) })}>
            拨打
          </ActionButton>
        </View>
      </View>

      <ElderSwitch id='home-elder-switch' />

      <Text className='section-title'>跨省通办事项</Text>
      <View className='item-grid' id='item-grid'>
        {ITEMS.map((item) => {
          const tag = itemTag(item, center);
          return (
            <View key={item.id} className='item-cell' id={`item-${item.id}`} role='link' onClick={() => go(`/pages/item/index?item=${item.id}`)}>
              <Image className='item-icon' src={ICONS[item.id]} aria-hidden />
              <Text className='item-name'>{item.short}</Text>
              {tag ? <Text className={`tag tag-${tag.kind}`}>{tag.label}</Text> : null}
            </View>
          );
        })}
      </View>

      <Text className='section-title'>常用服务</Text>
      <View className='card home-links'>
        <View className='home-link' id='go-transfer' role='link' onClick={() => go('/pages/transfer/index')}>
          <Text>异地转移接续（在线申请）</Text>
        </View>
        <View className='home-link' id='go-mine' role='link' onClick={() => tab('/pages/mine/index')}>
          <Text>实名核验与我的信息</Text>
        </View>
        <View className='home-link' id='go-applications' role='link' onClick={() => tab('/pages/applications/index')}>
          <Text>我的申请与办理进度</Text>
        </View>
        <View className='home-link' id='go-directory' role='link' onClick={() => go('/pages/directory/index')}>
          <Text>按省份查找中心</Text>
        </View>
        {isH5 ? (
          <View className='home-link' id='go-sign-in' role='link' onClick={() => go('/packages/dev/sign-in/index')}>
            <Text>切换身份（本地开发）</Text>
          </View>
        ) : null}
      </View>
    </View>
  );
}

export default withPageShell(Home, { title: '全国住房公积金', back: false });
