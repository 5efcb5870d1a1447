import { Text, Textarea, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { portalEventSchema } from '../../../core/contracts/portal';
import { REASON_MAX } from '../../../core/contracts/fields';
import { FINDING_STATUS_CHOICES, FINDING_STATUS_LABELS, type FindingStatus, type FindingView } from '../../../core/trial';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { FormField } from '../../../components/application-form';
import { FindingDetails } from '../../../components/finding-details';
import { StateView } from '../../../components/state-view';
import { portalCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

/** The item of a link finding (`link:<item>`), whose correction the links page proposes; undefined for the others. */
const linkItemOf = (finding: FindingView): string | undefined => (finding.check.startsWith('link:') ? finding.check.slice('link:'.length) : undefined);

const LINKS_PAGE = '/packages/portal/links/index';

/** 更正链接: the links page's propose form for the item, the finding named so the correction is tied to it. */
const correctLink = (finding: FindingView, item: string) => void Taro.navigateTo({ url: `${LINKS_PAGE}?findingId=${finding.id}&item=${item}` });

/** One finding: what it says, and while open, 标记已整改 with a note (and 更正链接 for a link). */
function FindingCard({ loaded }: { loaded: FindingView }) {
  const [finding, setFinding] = useState(loaded);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = `trial-finding-${finding.id}`;
  const item = linkItemOf(finding);

  const resolve = async () => {
    // checked here as the function checks it: nothing is sent that it would refuse
    const checked = parseInput(portalEventSchema(new Date()), { action: 'resolveFinding', id: finding.id, note });
    if (!checked.ok) {
      setError(checked.fields?.note ?? checked.message);
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await portalCalls.resolveFinding(finding.id, note);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setFinding(result.data);
    void Taro.showToast({ title: '已标记整改', icon: 'success' });
  };

  return (
    <View className='card trial-finding' id={id}>
      <View className='trial-finding-head'>
        <Text className='trial-finding-title'>{finding.checkLabel}</Text>
        <Text className={`trial-finding-status${finding.status === 'closed' ? ' trial-finding-status-closed' : ''}`} id={`${id}-status`}>
          {finding.statusLabel}
        </Text>
      </View>
      <FindingDetails prefix={id} finding={finding} />
      {finding.status === 'fixed' ? (
        <Text className='alert' id={`${id}-waiting`}>
          已标记整改，等待测试人员复核
        </Text>
      ) : null}
      {finding.status === 'open' ? (
        <View>
          {item ? (
            <View>
              <Text className='trial-finding-muted' id={`${id}-how`}>
                链接有误的，请先点“更正链接”登记正确的链接：监管人员审核通过后，本问题即为已整改，等待测试人员复核。已用其他方式整改的（如修复了原链接的网页），写明整改说明后点“标记已整改”。
              </Text>
              <ActionButton className='secondary-button trial-finding-button' id={`${id}-correct-link`} onClick={() => correctLink(finding, item)}>
                更正链接
              </ActionButton>
            </View>
          ) : null}
          <FormField prefix={id} slug='note' label='整改说明' error={error}>
            <Textarea className='trial-finding-textarea' id={`${id}-note`} maxlength={REASON_MAX} value={note} placeholder='写明做了哪些整改，便于测试人员复核' onInput={(e) => setNote(e.detail.value)} />
          </FormField>
          <ActionButton className='primary-button trial-finding-button' id={`${id}-resolve`} loading={busy} disabled={busy} onClick={() => void resolve()}>
            标记已整改
          </ActionButton>
        </View>
      ) : null}
    </View>
  );
}

/**
 * 试用问题 (issue 15), for the center's staff: what testers found wrong with the center's links, poster code and
 * endpoint, by status, each with what was expected and seen, its age and history. The staff correct it (a link
 * through the links page, tied to the finding) and mark it fixed with a note; the tester then checks it again. Below,
 * the way to the center's own code for its halls and website (on the links page), which testers scan too.
 */
function TrialFindingsPage() {
  const [status, setStatus] = useState<FindingStatus>('open');
  const got = useCall(() => portalCalls.trialFindings(status), [status]);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; later ones follow the links page (a correction proposed) or a tester's recheck
    if (shown.current) got.reload();
    shown.current = true;
  });
  return (
    <View className='trial-findings-page'>
      <ChipRow id='trial-findings-status' idOf={(s) => `trial-findings-status-${s}`} choices={FINDING_STATUS_CHOICES} chosen={status} onChoose={setStatus} />
      {got.status === 'loading' ? <StateView status='loading' message='正在加载试用问题…' /> : null}
      {got.status === 'error' ? <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} /> : null}
      {got.status === 'ready' && got.data.items.length === 0 ? <StateView status='empty' message={`暂无${FINDING_STATUS_LABELS[status]}的试用问题`} /> : null}
      {/* a finding changed since (a correction approved, a recheck) comes back with more history: shown anew */}
      {got.status === 'ready' ? got.data.items.map((f) => <FindingCard key={`${f.id}-${f.history.length}`} loaded={f} />) : null}
      <View className='card trial-poster-link' id='trial-poster-link'>
        <Text className='trial-finding-muted'>本中心小程序码（张贴于服务大厅、放在中心网站）在“链接与接口登记”页获取和保存。</Text>
        <ActionButton className='secondary-button trial-finding-button' id='trial-poster-go' onClick={() => void Taro.navigateTo({ url: LINKS_PAGE })}>
          前往链接与接口登记
        </ActionButton>
      </View>
    </View>
  );
}

export default withPageShell(TrialFindingsPage, { title: '试用问题' });
