import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { TrialEventSchema } from '../../../core/contracts/trial';
import { FINDING_OWNER_LABELS, FINDING_STATUS_LABELS, FINDING_STATUSES, FINDING_TEXT_MAX, type FindingStatus, type FindingView } from '../../../core/trial';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { FieldError } from '../../../components/application-form';
import { FindingDetails } from '../../../components/finding-details';
import { StateView } from '../../../components/state-view';
import { VerdictButtons } from '../shared/verdict-buttons';
import { messageFor } from '../../../services/portal';
import { trialCalls } from '../../../services/trial';
import { useCall } from '../../../services/use-call';
import { withPageShell } from '../../../components/page-shell';
import '../shared/trial.scss';

/** A fixed finding checked again: 已解决 closes it, 仍有问题 opens it again with what is still wrong. */
function Recheck({ finding, onDone }: { finding: FindingView; onDone: () => void }) {
  const [still, setStill] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const prefix = `finding-${finding.id}`;

  const send = async (ok: boolean) => {
    const said = note.trim() === '' ? undefined : note.trim();
    const checked = parseInput(TrialEventSchema, { action: 'recheck', findingId: finding.id, ok, note: said });
    if (!checked.ok) {
      setError(messageFor(checked, 'note') ?? checked.message);
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await trialCalls.recheck(finding.id, ok, said);
    setBusy(false);
    if (result.ok) onDone();
    else setError(messageFor(result, 'note') ?? result.message);
  };

  return (
    <View className='trial-form' id={`${prefix}-recheck`}>
      <Text className='trial-question'>中心已整改，请再次检查：</Text>
      <VerdictButtons
        yes={{ id: `${prefix}-solved`, label: '已解决' }}
        no={{ id: `${prefix}-still`, label: '仍有问题' }}
        busy={busy}
        asking={still}
        onYes={() => void send(true)}
        onNo={() => setStill(true)}
      />
      {still ? (
        <View className='trial-field'>
          <Text className='trial-label' id={`${prefix}-note-label`}>
            仍然看到的情况
          </Text>
          <Textarea
            className='trial-textarea'
            id={`${prefix}-note`}
            maxlength={FINDING_TEXT_MAX}
            value={note}
            placeholder='如：链接仍然打不开'
            aria-labelledby={`${prefix}-note-label`}
            onInput={(e) => setNote(e.detail.value)}
          />
          <ActionButton className='primary-button trial-button' id={`${prefix}-reopen`} loading={busy} disabled={busy} onClick={() => void send(false)}>
            提交复核结果
          </ActionButton>
        </View>
      ) : null}
      <FieldError id={`${prefix}-error`} message={error} />
    </View>
  );
}

function FindingCard({ finding, onChanged }: { finding: FindingView; onChanged: () => void }) {
  const prefix = `finding-${finding.id}`;
  return (
    <View className={`card trial-finding trial-finding-${finding.status}`} id={prefix}>
      <View className='trial-head'>
        <Text className='trial-check-label'>{FINDING_OWNER_LABELS[finding.owner]}整改</Text>
        <Text className={`trial-status trial-status-${finding.status}`} id={`${prefix}-status`}>
          {finding.statusLabel}
        </Text>
      </View>
      <FindingDetails prefix={prefix} finding={finding} />
      {finding.status === 'fixed' ? <Recheck finding={finding} onDone={onChanged} /> : null}
    </View>
  );
}

/** The status tabs, each with how many findings it holds once they are loaded. */
const choicesOf = (items: readonly FindingView[] | undefined) =>
  FINDING_STATUSES.map((key) => ({ key, label: items ? `${FINDING_STATUS_LABELS[key]}（${items.filter((f) => f.status === key).length}）` : FINDING_STATUS_LABELS[key] }));

/**
 * 试用问题: the findings of the tester's province by status, each with its history; fixed ones checked again here. It
 * opens on 已整改待复核, the tester's own work, or on the tab of the finding a checklist's 查看问题 names (`?finding=`).
 */
function TrialFindingsPage() {
  const { params } = useRouter();
  const [chosen, setChosen] = useState<FindingStatus | undefined>(undefined);
  // all of them at once: the tabs count them
  const got = useCall(() => trialCalls.findings(), []);
  const items = got.status === 'ready' ? got.data.items : undefined;
  const status = chosen ?? items?.find((f) => f.id === params.finding)?.status ?? 'fixed';
  const shown = items?.filter((f) => f.status === status);
  return (
    <View className='trial-page'>
      <ChipRow id='findings-statuses' idOf={(s) => `findings-status-${s}`} choices={choicesOf(items)} chosen={status} onChoose={setChosen} />
      {got.status === 'loading' ? <StateView status='loading' message='正在加载试用问题…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {shown?.length === 0 ? <StateView status='empty' message={`暂无${FINDING_STATUS_LABELS[status]}的问题`} /> : null}
      {shown?.map((f) => <FindingCard key={f.id} finding={f} onChanged={got.reload} />)}
    </View>
  );
}

export default withPageShell(TrialFindingsPage, { title: '试用问题' });
