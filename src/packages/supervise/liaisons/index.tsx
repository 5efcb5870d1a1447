import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { maskPhone } from '../../../core/identity';
import type { LiaisonRow } from '../../../core/supervision';
import { formatShanghai } from '../../../core/time';
import { StateView } from '../../../components/state-view';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { ExportButton } from '../shared/export-button';
import { ProvinceFilter } from '../shared/province-filter';
import { LiaisonForm } from './liaison-form';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/** One province's liaison (the mobile masked on screen), and the form to fill in or change it. */
function LiaisonCard({ row: loaded }: { row: LiaisonRow }) {
  const [row, setRow] = useState(loaded);
  const [editing, setEditing] = useState(false);
  const { liaison } = row;
  return (
    <View className='card supervise-card' id={`liaison-${row.province}`}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{row.provinceName}</Text>
        <Text className={`supervise-tag ${liaison ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`liaison-${row.province}-state`}>
          {liaison ? '已报送' : '未报送'}
        </Text>
      </View>
      {liaison ? (
        <View id={`liaison-${row.province}-person`}>
          <Text className='supervise-line'>
            {liaison.name} · {liaison.position}
          </Text>
          <Text className='supervise-muted'>
            座机 {liaison.landline} · 手机 {maskPhone(liaison.mobile)}
          </Text>
          <Text className='supervise-muted'>更新于 {formatShanghai(new Date(liaison.updatedAt))}</Text>
        </View>
      ) : null}
      {editing ? (
        <LiaisonForm
          row={row}
          onSaved={(saved) => {
            setRow(saved);
            setEditing(false);
          }}
        />
      ) : (
        <Text className='supervise-more supervise-link' id={`liaison-${row.province}-edit`} onClick={() => setEditing(true)}>
          {liaison ? '更换或修改联络员 ›' : '填写联络员 ›'}
        </Text>
      )}
    </View>
  );
}

/** Annex 1 of plan 2021-50: each province's liaison (name, position, landline, mobile), kept by the province; the Excel file. */
function LiaisonsPage() {
  const { params } = useRouter();
  const [province, setProvince] = useState(params.province);
  const got = useCall(() => superviseCalls.liaisons(province), [province]);
  return (
    <View className='supervise-page'>
      <ProvinceFilter province={province} onClear={() => setProvince(undefined)} />
      {got.status === 'loading' ? <StateView status='loading' message='正在加载联络员…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' ? (
        <View id='liaisons-table'>
          <Text className='section-title' id='liaisons-title'>
            已报送 {got.data.rows.filter((r) => r.liaison !== null).length}/{got.data.rows.length} 个省份
          </Text>
          {got.data.rows.map((row) => (
            <LiaisonCard key={row.province} row={row} />
          ))}
          <ExportButton id='liaisons-export' report='liaisons' province={province} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(LiaisonsPage, { title: '省级联络员' });
