import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { SuperviseEventSchema } from '../../../core/contracts/supervise';
import { INTERFACE_TEST_LABELS, type ProgressCenterRow, type ProgressRow } from '../../../core/supervision';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { StateView } from '../../../components/state-view';
import { messageFor } from '../../../services/portal';
import { superviseCalls } from '../../../services/supervise';
import { useCall } from '../../../services/use-call';
import { ExportButton } from '../shared/export-button';
import { ProvinceFilter } from '../shared/province-filter';
import { withPageShell } from '../../../components/page-shell';
import '../shared/supervise.scss';

/** 第4、6项未正常跳转, or 链接均正常跳转. */
const jumpLabel = (center: ProgressCenterRow) => (center.brokenItems.length === 0 ? '链接均正常跳转' : `第${center.brokenItems.join('、')}项链接未正常跳转`);

/** One center of the table: whether it is connected, its links, its interface testing. */
function CenterLine({ center }: { center: ProgressCenterRow }) {
  return (
    <View className='supervise-center' id={`progress-center-${center.centerCode}`}>
      <Text className='supervise-center-name'>
        {center.centerName}（{center.centerCode}）
      </Text>
      <View className='supervise-tags'>
        <Text className={`supervise-tag ${center.live ? 'supervise-tag-good' : 'supervise-tag-bad'}`}>{center.live ? '已接入' : '未接入'}</Text>
        <Text className={`supervise-tag ${center.brokenItems.length === 0 ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`progress-center-${center.centerCode}-links`}>
          {jumpLabel(center)}
        </Text>
        <Text className={`supervise-tag ${center.interfaceTest === 'passed' ? 'supervise-tag-good' : ''}`} id={`progress-center-${center.centerCode}-test`}>
          接口测试{INTERFACE_TEST_LABELS[center.interfaceTest]}
        </Text>
      </View>
    </View>
  );
}

/** A province's line of annex 1 and, opened, its centers (opened at once when it is the only one shown). */
function ProvinceCard({ row, opened }: { row: ProgressRow; opened: boolean }) {
  const [open, setOpen] = useState(opened);
  return (
    <View className='card supervise-card' id={`progress-province-${row.province}`}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{row.provinceName}</Text>
        <Text className='supervise-muted'>共 {row.centers} 个中心</Text>
      </View>
      <View className='supervise-row'>
        <Text className='supervise-row-label'>已接入</Text>
        <Text id={`progress-province-${row.province}-connected`}>{row.connected} 个</Text>
      </View>
      <View className='supervise-row'>
        <Text className='supervise-row-label'>链接未正常跳转的中心</Text>
        <Text id={`progress-province-${row.province}-not-jumping`}>{row.notJumping} 个</Text>
      </View>
      <View className='supervise-row'>
        <Text className='supervise-row-label'>已开展接口测试的中心</Text>
        <Text id={`progress-province-${row.province}-testing`}>{row.testingStarted} 个（已通过 {row.testingPassed} 个）</Text>
      </View>
      <Text className='supervise-more supervise-link' id={`progress-province-${row.province}-toggle`} onClick={() => setOpen(!open)}>
        {open ? '收起各中心 ‹' : `查看 ${row.rows.length} 个中心 ›`}
      </Text>
      {open ? row.rows.map((c) => <CenterLine key={c.centerCode} center={c} />) : null}
    </View>
  );
}

/**
 * Annex 1 of notice 2021-30: per province the centers connected, those whose links do not jump, those testing the
 * transfer interface, as of today or a chosen date; each province's centers behind the figures; the Excel file.
 */
function ProgressPage() {
  const { params } = useRouter();
  const [province, setProvince] = useState(params.province);
  const [asOfInput, setAsOfInput] = useState('');
  const [asOf, setAsOf] = useState<string | undefined>(undefined);
  const [asOfError, setAsOfError] = useState<string | undefined>(undefined);
  const got = useCall(() => superviseCalls.progress(province, asOf), [province, asOf]);

  // the date is checked here as the function checks it: nothing is asked for a date it would refuse
  const query = () => {
    const wanted = asOfInput.trim() === '' ? undefined : asOfInput.trim();
    const checked = parseInput(SuperviseEventSchema, { action: 'progress', ...(wanted ? { asOf: wanted } : {}) });
    setAsOfError(checked.ok ? undefined : messageFor(checked, 'asOf'));
    if (checked.ok) setAsOf(wanted);
  };
  return (
    <View className='supervise-page'>
      <ProvinceFilter province={province} onClear={() => setProvince(undefined)} />
      <View className='card supervise-card' id='progress-as-of'>
        <TextField prefix='progress' slug='date' label='统计日期（不填为今天）' value={asOfInput} placeholder='如 2026-06-30' maxlength={10} error={asOfError} onInput={setAsOfInput} />
        <ActionButton className='supervise-button' id='progress-query' onClick={query}>
          按此日期查看
        </ActionButton>
      </View>
      {got.status === 'loading' ? <StateView status='loading' message='正在统计接入进度…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' ? (
        <View id='progress-table'>
          <Text className='section-title' id='progress-title'>
            截至 {got.data.asOf}：共 {got.data.totals.centers} 个中心，已接入 {got.data.totals.connected} 个，链接未正常跳转 {got.data.totals.notJumping} 个，已开展接口测试 {got.data.totals.testingStarted} 个
          </Text>
          {got.data.rows.map((row) => (
            <ProvinceCard key={`${row.province}-${got.data.asOf}`} row={row} opened={got.data.rows.length === 1} />
          ))}
          <ExportButton id='progress-export' report='progress' province={province} asOf={asOf} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(ProgressPage, { title: '接入进度' });
