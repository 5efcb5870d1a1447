import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { SuperviseEventSchema } from '../../../core/contracts/supervise';
import { MONTHLY_STATE_LABELS, type MonthlyProvince, type MonthlyRow } from '../../../core/supervision';
import { formatShanghai } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { messageFor } from '../../../services/portal';
import { superviseCalls } from '../../../services/supervise';
import { CenterLines, TotalsLines } from './figures';

const STATE_TAGS = { open: '', submitted: 'supervise-tag-good', overdue: 'supervise-tag-bad' } as const;

/** Submitting the province's table of a finished period; again, after a correction, with the reason (a new version). */
function SubmitArea({ month, province, again, onSubmitted }: { month: string; province: MonthlyProvince; again: boolean; onSubmitted: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ reason?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const id = `monthly-province-${province.province}`;

  const submit = async () => {
    const event = { action: 'submitMonthly', period: month, province: province.province, ...(again ? { reason: reason.trim() } : {}) };
    const checked = parseInput(SuperviseEventSchema, event);
    if (!checked.ok) {
      setError({ reason: messageFor(checked, 'reason'), form: messageFor(checked, 'reason') ? undefined : checked.message });
      return;
    }
    const answer = await Taro.showModal({
      title: again ? '报送更正版本' : '报送月度统计表',
      content: `确定报送${province.provinceName}本期统计表？报送后表格冻结，${province.unfilled.length > 0 ? `仍有 ${province.unfilled.length} 个中心未填报，` : ''}之后的修改须作为更正版本再次报送。`,
      confirmText: '报送',
      cancelText: '取消',
    });
    if (!answer.confirm) return;
    setBusy(true);
    setError({});
    const result = await superviseCalls.submitMonthly(month, province.province, again ? reason.trim() : undefined);
    setBusy(false);
    if (!result.ok) {
      setError({ reason: messageFor(result, 'reason'), form: result.message });
      return;
    }
    void Taro.showToast({ title: '已报送', icon: 'success' });
    onSubmitted();
  };

  return (
    <View id={`${id}-submit-area`}>
      {again ? (
        <TextField prefix={id} slug='reason' label='更正原因' value={reason} placeholder='如 某中心更正了当月业务量' maxlength={200} error={error.reason} onInput={setReason} />
      ) : null}
      <ActionButton className='primary-button supervise-button' id={`${id}-submit`} loading={busy} disabled={busy} onClick={() => void submit()}>
        {again ? '报送更正版本' : `报送${province.provinceName}月度统计表`}
      </ActionButton>
      {error.form && !error.reason ? (
        <Text className='supervise-error' id={`${id}-submit-error`}>
          {error.form}
        </Text>
      ) : null}
    </View>
  );
}

/**
 * A province in the monthly cycle: where its table stands (待报送 / 已报送 / 逾期未报送, and 逾期报送 once submitted
 * late), its totals row, the centers that have not filled in their figures, its submission, the centers' corrected
 * lines awaiting the next version, and its centers' lines behind the totals. Only the province's own supervisors
 * (`mayRemit`) are offered the submission.
 */
export function ProvinceCard({
  month,
  running,
  province,
  rows,
  opened,
  mayRemit,
  onSubmitted,
}: {
  month: string;
  running: boolean;
  province: MonthlyProvince;
  rows: MonthlyRow[];
  opened: boolean;
  mayRemit: boolean;
  onSubmitted: () => void;
}) {
  const [open, setOpen] = useState(opened);
  const id = `monthly-province-${province.province}`;
  const unfilled = rows.filter((r) => province.unfilled.includes(r.centerCode));
  const { submission } = province;
  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{province.provinceName}</Text>
        <Text className={`supervise-tag ${STATE_TAGS[province.state]}`} id={`${id}-state`}>
          {MONTHLY_STATE_LABELS[province.state]}
        </Text>
        {province.late ? (
          <Text className='supervise-tag supervise-tag-bad' id={`${id}-late`}>
            逾期报送
          </Text>
        ) : null}
      </View>
      <TotalsLines id={`${id}-totals`} totals={province.totals} centers={rows.length} />
      <Text className={unfilled.length > 0 ? 'alert' : 'supervise-muted'} id={`${id}-unfilled`}>
        {unfilled.length > 0 ? `${unfilled.length} 个中心尚未填报：${unfilled.map((r) => r.centerName).join('、')}` : '各中心均已填报'}
      </Text>
      {submission ? (
        <Text className='supervise-muted' id={`${id}-submission`}>
          第 {submission.version} 版，{formatShanghai(new Date(submission.submittedAt))} 报送，文件校验码 {submission.sha256.slice(0, 12)}…{submission.reason ? `；更正原因：${submission.reason}` : ''}
        </Text>
      ) : null}
      {province.corrected ? (
        <View id={`${id}-corrections`}>
          <Text className='alert' id={`${id}-corrected`}>
            报送后有 {province.corrections.length} 个中心更正了数据（下列为更正后的数字，报送第 {(submission?.version ?? 0) + 1} 版后计入报表），请核对后报送更正版本。
          </Text>
          {province.corrections.map((r) => (
            <CenterLines key={r.centerCode} id={`${id}-correction-${r.centerCode}`} row={r} />
          ))}
        </View>
      ) : null}
      {running ? (
        <Text className='supervise-muted'>本期尚未结束，数字截至今天；期末（15 日）后核对并报送。</Text>
      ) : !mayRemit ? null : submission === null || province.corrected ? (
        <SubmitArea month={month} province={province} again={submission !== null} onSubmitted={onSubmitted} />
      ) : null}
      <Text className='supervise-more supervise-link' id={`${id}-toggle`} onClick={() => setOpen(!open)}>
        {open ? '收起各中心 ‹' : `查看 ${rows.length} 个中心的明细 ›`}
      </Text>
      {open ? rows.map((r) => <CenterLines key={r.centerCode} row={r} />) : null}
    </View>
  );
}
