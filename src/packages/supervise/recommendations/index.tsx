import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { RECOMMENDATION_KINDS, RECOMMENDATION_LABELS, type RecommendationRow } from '../../../core/supervision';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { whoami } from '../../../services/identity';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { ProvinceFilter } from '../shared/province-filter';
import { RecommendationForm } from './recommendation-form';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/**
 * One province's 三个一百: each kind's count against the target, its recommendations, and for the province's own
 * supervisor the way to add one and to withdraw one (national supervisors read them).
 */
function ProvinceCard({ row: loaded, target, own }: { row: RecommendationRow; target: number; own: boolean }) {
  const [row, setRow] = useState(loaded);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const remove = async (id: string, title: string) => {
    const { confirm } = await Taro.showModal({ title: '撤回推荐', content: `撤回“${title}”？`, confirmText: '撤回' });
    if (!confirm) return;
    setRemoving(id);
    const result = await superviseCalls.removeRecommendation(id);
    setRemoving(undefined);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setError(undefined);
    setRow(result.data);
  };
  const prefix = `recommend-${row.province}`;
  return (
    <View className='card supervise-card' id={prefix}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{row.provinceName}</Text>
        <Text className={`supervise-tag ${row.met ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${prefix}-state`}>
          {row.met ? '已达标' : '未达标'}
        </Text>
      </View>
      {RECOMMENDATION_KINDS.map((kind) => (
        <View key={kind} className='supervise-row' id={`${prefix}-count-${kind}`}>
          <Text className='supervise-row-label'>{RECOMMENDATION_LABELS[kind]}</Text>
          <Text className={row.counts[kind] >= target ? '' : 'supervise-missing'}>
            {row.counts[kind]}/{target} 个
          </Text>
        </View>
      ))}
      {row.items.map((item) => (
        <View key={item.id} className='supervise-center' id={`${prefix}-item-${item.id}`}>
          <Text className='supervise-center-name'>
            【{RECOMMENDATION_LABELS[item.kind]}】{item.title}
          </Text>
          <Text className='supervise-muted'>{item.centerName}</Text>
          <Text className='supervise-muted'>{item.summary}</Text>
          {own ? (
            <ActionButton className='supervise-button' id={`${prefix}-remove-${item.id}`} loading={removing === item.id} disabled={removing !== undefined} onClick={() => void remove(item.id, item.title)}>
              撤回
            </ActionButton>
          ) : null}
        </View>
      ))}
      {error ? (
        <Text className='supervise-error' id={`${prefix}-remove-error`}>
          {error}
        </Text>
      ) : null}
      {own && adding ? (
        <RecommendationForm
          province={row.province}
          onSaved={(saved) => {
            setRow(saved);
            setAdding(false);
          }}
        />
      ) : null}
      {own && !adding ? (
        <Text className='supervise-more supervise-link' id={`${prefix}-add`} onClick={() => setAdding(true)}>
          添加推荐 ›
        </Text>
      ) : null}
    </View>
  );
}

/**
 * 三个一百 (plan 2021-50): each province's recommended model windows, stories and directors' experiences, counted
 * against the target of 5 each; a provincial supervisor adds and withdraws their own province's.
 */
function RecommendationsPage() {
  const { params } = useRouter();
  const [province, setProvince] = useState(params.province);
  const got = useCall(() => superviseCalls.recommendations(province), [province]);
  const roles = useCall(whoami, []);
  const own = new Set(roles.status === 'ready' ? roles.data.roles.flatMap((r) => (r.role === 'provincial-supervisor' ? [r.province] : [])) : []);
  return (
    <View className='supervise-page'>
      <ProvinceFilter province={province} onClear={() => setProvince(undefined)} />
      {got.status === 'loading' || roles.status === 'loading' ? <StateView status='loading' message='正在加载三个一百推荐…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' && roles.status !== 'loading' ? (
        <View id='recommendations-table'>
          <Text className='section-title' id='recommendations-title'>
            已达标 {got.data.rows.filter((r) => r.met).length}/{got.data.rows.length} 个省份（每类至少 {got.data.target} 个）
          </Text>
          {got.data.rows.map((row) => (
            <ProvinceCard key={row.province} row={row} target={got.data.target} own={own.has(row.province)} />
          ))}
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(RecommendationsPage, { title: '三个一百推荐' });
