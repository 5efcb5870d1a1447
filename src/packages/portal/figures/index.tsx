import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { Fail } from '../../../core/errors';
import { CORRECTION_REASON_MAX, CorrectionReasonSchema, MonthlyFiguresSchema, type MonthlyFigures, type MonthlyFiguresAnswer } from '../../../core/supervision';
import { periodOf, reportPeriodSpan, shanghaiDate } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { TextField } from '../../../components/application-form';
import { StateView } from '../../../components/state-view';
import { messageFor, portalCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/** Each figure the center enters: its path in MonthlyFigures (the field the function names), its label, and the product's own figure beside it. */
const FIELDS = [
  { path: 'volumes.4', label: '第4项 单位登记开户：当月业务量（件）', reference: (a: MonthlyFiguresAnswer) => `小程序跳转 ${a.row.reference.jumps['4']} 次，小程序内申请 ${a.row.reference.inApp['4']} 件` },
  { path: 'volumes.5', label: '第5项 缴存信息变更：当月业务量（件）', reference: (a: MonthlyFiguresAnswer) => `小程序跳转 ${a.row.reference.jumps['5']} 次，小程序内申请 ${a.row.reference.inApp['5']} 件` },
  { path: 'volumes.6', label: '第6项 提前还清贷款：当月业务量（件）', reference: (a: MonthlyFiguresAnswer) => `小程序跳转 ${a.row.reference.jumps['6']} 次，小程序内申请 ${a.row.reference.inApp['6']} 件` },
  { path: 'outside.jointCount', label: '第7项 购房提取：小程序外两地联办笔数', reference: (a: MonthlyFiguresAnswer) => `小程序内两地联办 ${a.row.reference.joint.count} 笔` },
  {
    path: 'outside.jointAmountWan',
    label: '第7项 购房提取：小程序外两地联办金额（万元，作为缴存地中心支付的）',
    reference: (a: MonthlyFiguresAnswer) => `小程序内本中心作为缴存地支付 ${a.row.reference.joint.amountWan.toFixed(2)} 万元`,
  },
  { path: 'outside.certificates', label: '第8项 贷款还清证明：小程序外代收代办笔数', reference: (a: MonthlyFiguresAnswer) => `小程序内代收代办 ${a.row.reference.certificates} 笔` },
  { path: 'windows', label: '线下窗口数量（个）', reference: () => undefined },
  { path: 'zones', label: '线上专区数量（个）', reference: () => undefined },
  { path: 'training', label: '当月培训人次', reference: () => undefined },
] as const;
type Path = (typeof FIELDS)[number]['path'];
type Inputs = Record<Path, string>;

const slugOf = (path: Path) => path.replace('.', '-');

/** What the center entered before, as the form's text; empty before it has. */
function inputsOf(entered: MonthlyFigures | null): Inputs {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    'volumes.4': text(entered?.volumes['4']),
    'volumes.5': text(entered?.volumes['5']),
    'volumes.6': text(entered?.volumes['6']),
    'outside.jointCount': text(entered?.outside.jointCount),
    'outside.jointAmountWan': text(entered?.outside.jointAmountWan),
    'outside.certificates': text(entered?.outside.certificates),
    windows: text(entered?.windows),
    zones: text(entered?.zones),
    training: text(entered?.training),
  };
}

/** The form's text as numbers: an empty field stays out, so the message says it is missing. */
function figuresOf(inputs: Inputs) {
  const n = (path: Path) => (inputs[path].trim() === '' ? undefined : Number(inputs[path].trim()));
  return {
    volumes: { '4': n('volumes.4'), '5': n('volumes.5'), '6': n('volumes.6') },
    outside: { jointCount: n('outside.jointCount'), jointAmountWan: n('outside.jointAmountWan'), certificates: n('outside.certificates') },
    windows: n('windows'),
    zones: n('zones'),
    training: n('training'),
  };
}

type Errors = Partial<Record<Path | 'reason' | 'form', string>>;

function errorsOf(failure: Fail): Errors {
  const errors: Errors = {};
  for (const { path } of FIELDS) errors[path] = messageFor(failure, path);
  errors.reason = messageFor(failure, 'reason');
  return Object.values(errors).some((e) => e !== undefined) ? errors : { form: failure.message };
}

/** The form of one period, filled with what the center entered before. */
function FiguresForm({ period, answer, onSaved }: { period: string; answer: MonthlyFiguresAnswer; onSaved: (answer: MonthlyFiguresAnswer) => void }) {
  const [inputs, setInputs] = useState<Inputs>(inputsOf(answer.entered));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const save = async () => {
    // checked here as the function checks them: nothing is sent that it would refuse
    const checked = parseInput(MonthlyFiguresSchema, figuresOf(inputs));
    const correction = answer.submitted ? parseInput(CorrectionReasonSchema, reason) : undefined;
    if (!checked.ok || (correction && !correction.ok)) {
      setErrors({ ...(checked.ok ? {} : errorsOf(checked)), ...(correction && !correction.ok ? { reason: correction.fields?._ ?? correction.message } : {}) });
      return;
    }
    setBusy(true);
    setErrors({});
    const result = await portalCalls.setMonthlyFigures(period, checked.data, correction?.ok ? correction.data : undefined);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsOf(result));
      return;
    }
    onSaved(result.data);
    void Taro.showToast({ title: '已保存', icon: 'success' });
  };

  return (
    <View className='card figures-card' id='figures-form'>
      <Text className='figures-muted'>每项下方的灰字为小程序记录的本中心数据，仅供参考；请按本中心实际办理情况填写，没有的填 0。</Text>
      {FIELDS.map((f) => (
        <View key={f.path}>
          <TextField
            prefix='figures'
            slug={slugOf(f.path)}
            label={f.label}
            hint={f.reference(answer)}
            value={inputs[f.path]}
            placeholder='请填写数字'
            type={f.path === 'outside.jointAmountWan' ? 'digit' : 'number'}
            maxlength={12}
            error={errors[f.path]}
            onInput={(v) => setInputs((all) => ({ ...all, [f.path]: v }))}
          />
        </View>
      ))}
      {answer.submitted ? (
        <TextField prefix='figures' slug='reason' label='更正原因（省份已报送本期统计表）' value={reason} placeholder='如 补录线下窗口办理的业务量' maxlength={CORRECTION_REASON_MAX} error={errors.reason} onInput={setReason} />
      ) : null}
      <ActionButton className='primary-button figures-button' id='figures-save' loading={busy} disabled={busy} onClick={() => void save()}>
        {answer.submitted ? '提交更正' : '保存本期数据'}
      </ActionButton>
      {errors.form ? (
        <Text className='figures-error' id='figures-error'>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}

/**
 * Center staff: the figures of annex 2 only the center knows (volumes of items 4-6 handled in its own hall and
 * channels, cases handled outside the app, windows, zones, training), with the product's own figures beside each as
 * a reference; from the 16th for the period just ended, by the 20th. Everyone else is refused by the function.
 */
function FiguresPage() {
  const running = periodOf(shanghaiDate(new Date()));
  const [year, month] = running.split('-').map(Number);
  // the period just ended is the one to fill in; the running one may be filled as it goes
  const ended = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  const [period, setPeriod] = useState(ended);
  const got = useCall(() => portalCalls.monthlyFigures(period), [period]);
  const [saved, setSaved] = useState<MonthlyFiguresAnswer | undefined>(undefined);
  const answer = saved?.month === period ? saved : got.status === 'ready' ? got.data : undefined;

  return (
    <View className='figures-page'>
      <ChipRow
        id='figures-periods'
        idOf={(p) => `figures-period-${p}`}
        choices={[ended, running].map((p) => ({ key: p, label: p === running ? `${p}（本期，进行中）` : `${p}（上期）` }))}
        chosen={period}
        onChoose={setPeriod}
      />
      {got.status === 'loading' && !answer ? <StateView status='loading' message='正在加载本中心数据…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {answer ? (
        <View>
          <View className='card figures-card' id='figures-head'>
            <Text className='figures-title'>{answer.row.centerName}</Text>
            <Text className='figures-muted' id='figures-period'>
              统计期间 <Text className='nowrap'>{reportPeriodSpan(answer.month)}</Text>，请于 <Text className='nowrap'>{answer.due}</Text> 前填报
            </Text>
            <Text className={answer.entered ? 'figures-muted' : 'alert'} id='figures-state'>
              {answer.submitted
                ? '省份已报送该期统计表：修改将作为更正，并注明原因。'
                : answer.entered
                  ? '已填报，省份报送前可以修改'
                  : shanghaiDate(new Date()) > answer.due
                    ? `该期尚未填报，已过 ${answer.due} 的填报期限，请尽快填报`
                    : '该期尚未填报'}
            </Text>
          </View>
          <FiguresForm key={`${period}-${answer.row.filledAt ?? 'new'}`} period={period} answer={answer} onSaved={setSaved} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(FiguresPage, { title: '月度数据填报' });
