import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { portalEventSchema } from '../../../core/contracts/portal';
import type { Fail } from '../../../core/errors';
import { itemById } from '../../../core/items';
import { FULL_ONLINE_ITEMS, ONLINE_REASON_MAX, type FullOnlineItem, type OnlineReasonRow } from '../../../core/supervision';
import { periodOf, shanghaiDate } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { StateView } from '../../../components/state-view';
import { messageFor, portalCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { withPageShell } from '../../../components/page-shell';
import '../figures/index.scss';

type Errors = { reason?: string; expectedDate?: string; form?: string };

function errorsOf(failure: Fail): Errors {
  const errors = { reason: messageFor(failure, 'reason'), expectedDate: messageFor(failure, 'expectedDate') };
  return errors.reason || errors.expectedDate ? errors : { form: failure.message };
}

/** An item the center has not made fully online: why, and by when it will be (annex 3's attachment). */
function ReasonForm({ item, onSaved }: { item: FullOnlineItem; onSaved: (line: OnlineReasonRow) => void }) {
  const [reason, setReason] = useState('');
  const [expectedDate, setExpectedDate] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const prefix = `online-reason-${item}`;

  const save = async () => {
    const event = { action: 'setOnlineReason', item, reason: reason.trim(), expectedDate: expectedDate.trim() };
    // checked here as the function checks it: nothing is sent that it would refuse
    const checked = parseInput(portalEventSchema(new Date()), event);
    if (!checked.ok) {
      setErrors(errorsOf(checked));
      return;
    }
    setBusy(true);
    setErrors({});
    const result = await portalCalls.setOnlineReason(item, event.reason, event.expectedDate);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsOf(result));
      return;
    }
    onSaved(result.data);
    void Taro.showToast({ title: '已保存', icon: 'success' });
  };

  return (
    <View id={`${prefix}-form`}>
      <TextField prefix={prefix} slug='reason' label='未实现全程网办的原因' value={reason} placeholder='如 业务系统改造中，需与银行接口联调' maxlength={ONLINE_REASON_MAX} error={errors.reason} onInput={setReason} />
      <TextField prefix={prefix} slug='date' label='预计完成日期' value={expectedDate} placeholder='如 2027-03-31' maxlength={10} error={errors.expectedDate} onInput={setExpectedDate} />
      <ActionButton className='primary-button figures-button' id={`${prefix}-save`} loading={busy} disabled={busy} onClick={() => void save()}>
        保存说明
      </ActionButton>
      {errors.form ? (
        <Text className='figures-error' id={`${prefix}-error`}>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}

/**
 * Center staff: for items 4, 5 and 6, whether the center offers them fully online (a registered web page or
 * mini-program), and for each one it does not, why and by when — the note provinces attach to annex 3.
 */
function OnlineReasonPage() {
  const got = useCall(() => portalCalls.monthlyFigures(periodOf(shanghaiDate(new Date()))), []);
  const [saved, setSaved] = useState<Partial<Record<FullOnlineItem, OnlineReasonRow>>>({});
  if (got.status === 'loading') return <StateView status='loading' message='正在查询本中心事项办理方式…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const { row } = got.data;

  return (
    <View className='figures-page'>
      <View className='card figures-card'>
        <Text className='figures-title'>{row.centerName}</Text>
        <Text className='figures-muted'>尚未实现全程网办的事项，请说明原因和预计完成日期，省级监管部门将随附件3一并报送。</Text>
      </View>
      {FULL_ONLINE_ITEMS.map((item) => {
        const line = saved[item];
        const online = row.items[`${item}`].online;
        return (
          <View key={item} className='card figures-card' id={`online-reason-${item}`}>
            <Text className='figures-title'>
              第{item}项 {itemById(item)?.short}
            </Text>
            <Text className={online ? 'figures-muted' : 'alert'} id={`online-reason-${item}-state`}>
              {online ? '已实现全程网办' : '尚未实现全程网办'}
            </Text>
            {line ? (
              <Text className='figures-muted' id={`online-reason-${item}-saved`}>
                已说明：{line.reason}；预计 {line.expectedDate} 完成
              </Text>
            ) : null}
            {online ? null : <ReasonForm key={line?.givenAt ?? 'new'} item={item} onSaved={(l) => setSaved((all) => ({ ...all, [item]: l }))} />}
          </View>
        );
      })}
    </View>
  );
}

export default withPageShell(OnlineReasonPage, { title: '未全程网办说明' });
