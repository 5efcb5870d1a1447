import { ScrollView, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { provinceShortName, type CenterSummary } from '../../core/centers';
import { StateView } from '../../components/state-view';
import { callFunction } from '../../services/cloud';
import { useCall } from '../../services/use-call';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

interface ProvinceGroup {
  province: string;
  anchor: string;
  centers: CenterSummary[];
}

/** The index bar's label: two characters, as printed in the national tables (兵团 for the Corps). */
const indexLabel = (province: string) => (province === '新疆生产建设兵团' ? '兵团' : provinceShortName(province).slice(0, 2));

/** Groups centers by province in the catalog's order (administrative code order, as official tables are). */
function groupByProvince(centers: readonly CenterSummary[]): ProvinceGroup[] {
  const groups = new Map<string, ProvinceGroup>();
  for (const center of centers) {
    let group = groups.get(center.province);
    if (!group) {
      group = { province: center.province, anchor: `province-${center.code.slice(0, 2)}`, centers: [] };
      groups.set(center.province, group);
    }
    group.centers.push(center);
  }
  return [...groups.values()];
}

/** The index's place, at the top of the list. */
const INDEX_ANCHOR = 'directory-index';

/**
 * Every center by province, with an index of the provinces at the top of the list, each province's heading leading
 * back to it. (A bar at the screen's side held an entry per province of about 19 px; in 长辈版, at 60 pt each, most
 * lay off screen.)
 */
function Directory() {
  const list = useCall(() => callFunction<{ items: CenterSummary[] }>('centers', { action: 'list' }), []);
  const groups = useMemo(() => (list.status === 'ready' ? groupByProvince(list.data.items) : []), [list]);
  const [anchor, setAnchor] = useState('');
  // the list scrolls when its anchor changes: cleared first, so a second tap on the same entry scrolls again
  const jump = (to: string) => {
    setAnchor('');
    void Taro.nextTick(() => setAnchor(to));
  };

  if (list.status === 'loading') return <StateView status='loading' />;
  if (list.status === 'error') return <StateView status='error' message={list.message} code={list.code} onRetry={list.reload} />;
  if (groups.length === 0) return <StateView status='empty' message='暂无中心信息' />;

  return (
    <View className='directory'>
      <ScrollView className='directory-list' scrollY scrollIntoView={anchor} scrollWithAnimation>
        <View id={INDEX_ANCHOR} className='chips directory-index' role='navigation' aria-label='按省份跳转'>
          {groups.map((g) => (
            <View key={g.anchor} className='chip directory-index-entry' id={`index-${g.anchor}`} role='button' onClick={() => jump(g.anchor)}>
              {indexLabel(g.province)}
            </View>
          ))}
        </View>
        {groups.map((g) => (
          <View key={g.province} id={g.anchor} className='directory-group'>
            <View className='directory-heading'>
              <Text className='section-title directory-province'>{g.province}</Text>
              <View className='directory-to-index' id={`to-index-${g.anchor}`} role='button' onClick={() => jump(INDEX_ANCHOR)}>
                换省份
              </View>
            </View>
            <View className='directory-centers'>
              {g.centers.map((c) => (
                <View key={c.code} className='directory-center' id={`center-${c.code}`} onClick={() => void Taro.navigateTo({ url: `/pages/center/index?code=${c.code}` })}>
                  <Text>{c.name}</Text>
                  <Text className='directory-phone'>{c.phone}</Text>
                </View>
              ))}
            </View>
          </View>
        ))}
      </ScrollView>
    </View>
  );
}

export default withPageShell(Directory, { title: '按省份查找' });
