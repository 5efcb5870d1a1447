import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { AdminEventSchema } from '../../../core/contracts/admin';
import { CATALOG_FIELD_LABELS, FINDING_OWNER_LABELS, FINDING_STATUS_CHOICES, FINDING_STATUS_LABELS, type CatalogField, type CatalogFixView, type FindingStatus, type FindingView } from '../../../core/trial';
import { formatShanghai } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { FormField, TextField } from '../../../components/application-form';
import { FindingDetails } from '../../../components/finding-details';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';

/** The catalog field a finding is about: its name or its phone (the only findings supervisors own). */
const fieldOf = (finding: FindingView): CatalogField | undefined => (finding.check === 'name' || finding.check === 'phone' ? finding.check : undefined);

/** 提出更正 under a finding: the right value (the tester's expected one to start with), checked as the function checks it. */
function ProposeFix({ finding, field, onProposed }: { finding: FindingView; field: CatalogField; onProposed: (fix: CatalogFixView) => void }) {
  const prefix = `trial-finding-${finding.id}-fix`;
  const [value, setValue] = useState(finding.expected ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const propose = async () => {
    const fix = { centerCode: finding.centerCode, field, value, findingId: finding.id };
    const checked = parseInput(AdminEventSchema, { action: 'proposeCatalogFix', ...fix });
    if (!checked.ok) {
      setError(checked.fields?.value ?? checked.message);
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await adminCalls.proposeCatalogFix(fix);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onProposed(result.data);
    void Taro.showToast({ title: '已提出更正', icon: 'success' });
  };
  return (
    <View id={prefix}>
      <TextField prefix={prefix} slug='value' label={`更正后的${CATALOG_FIELD_LABELS[field]}`} value={value} placeholder={`正确的${CATALOG_FIELD_LABELS[field]}`} maxlength={60} error={error} onInput={setValue} />
      <ActionButton className='primary-button supervise-button' id={`${prefix}-submit`} loading={busy} disabled={busy} onClick={() => void propose()}>
        提交更正，待审核
      </ActionButton>
    </View>
  );
}

/**
 * 标记已处理 under an open finding: the note, checked as the function checks it, then the finding as now fixed (the
 * tester checks it again). The function refuses a center's finding while the center has staff, who fix it in the portal.
 */
function ResolveFinding({ finding, onResolved }: { finding: FindingView; onResolved: (finding: FindingView) => void }) {
  const prefix = `trial-finding-${finding.id}-resolve`;
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<{ field: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const resolve = async () => {
    const checked = parseInput(AdminEventSchema, { action: 'resolveFinding', id: finding.id, note });
    if (!checked.ok) {
      setError({ field: true, text: checked.fields?.note ?? checked.message });
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await adminCalls.resolveFinding(finding.id, note.trim());
    setBusy(false);
    if (!result.ok) {
      setError({ field: false, text: result.message });
      return;
    }
    onResolved(result.data);
    void Taro.showToast({ title: '已标记处理', icon: 'success' });
  };
  if (!open) {
    return (
      <ActionButton className='supervise-button secondary-button' id={prefix} onClick={() => setOpen(true)}>
        标记已处理
      </ActionButton>
    );
  }
  return (
    <View>
      <FormField prefix={prefix} slug='note' label='处理说明' error={error?.field ? error.text : undefined}>
        <Textarea className='supervise-textarea' id={`${prefix}-note`} maxlength={200} value={note} placeholder='写明如何处理，测试人员将据此复核' onInput={(e) => setNote(e.detail.value)} />
      </FormField>
      <ActionButton className='primary-button supervise-button' id={`${prefix}-submit`} loading={busy} disabled={busy} onClick={() => void resolve()}>
        确认已处理
      </ActionButton>
      {error && !error.field ? (
        <Text className='supervise-error' id={`${prefix}-error`}>
          {error.text}
        </Text>
      ) : null}
    </View>
  );
}

/**
 * A finding, whose owner fixes it; on a catalog field, the way to propose its correction (once proposed, it says so);
 * open, 标记已处理 (a catalog field not needing a correction, or a center with no staff to fix it).
 */
function FindingCard({ finding, proposed, onProposed, onResolved }: { finding: FindingView; proposed: CatalogFixView | undefined; onProposed: (fix: CatalogFixView) => void; onResolved: (finding: FindingView) => void }) {
  const [proposing, setProposing] = useState(false);
  const field = fieldOf(finding);
  const id = `trial-finding-${finding.id}`;
  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{finding.checkLabel}</Text>
        <Text className={`supervise-tag ${finding.status === 'closed' ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-status`}>
          {finding.statusLabel}
        </Text>
      </View>
      <FindingDetails prefix={id} finding={finding} />
      <Text className='supervise-muted' id={`${id}-owner`}>
        整改方：{FINDING_OWNER_LABELS[finding.owner]}
      </Text>
      {proposed ? (
        <Text className='alert' id={`${id}-proposed`}>
          已提出更正为“{proposed.to}”，待另一位监管人员审核
        </Text>
      ) : null}
      {field && finding.status !== 'closed' && !proposed ? (
        proposing ? (
          <ProposeFix finding={finding} field={field} onProposed={onProposed} />
        ) : (
          <ActionButton className='supervise-button secondary-button' id={`${id}-propose`} onClick={() => setProposing(true)}>
            提出更正
          </ActionButton>
        )
      ) : null}
      {finding.status === 'open' && !proposed && !proposing ? <ResolveFinding finding={finding} onResolved={onResolved} /> : null}
    </View>
  );
}

const FIX_STATUS_LABELS: Record<CatalogFixView['status'], string> = { pending: '待审核', approved: '已通过', rejected: '未通过' };

/** A proposed correction waiting for review: 通过 applies it to the catalog; 不通过 needs the reason. The proposer cannot review their own (the function says so). */
function FixCard({ fix, onReviewed }: { fix: CatalogFixView; onReviewed: (fix: CatalogFixView) => void }) {
  const id = `trial-fix-${fix.id}`;
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: boolean; text: string } | undefined>(undefined);
  const review = async (approve: boolean) => {
    const trimmed = reason.trim();
    const checked = parseInput(AdminEventSchema, { action: 'reviewCatalogFix', id: fix.id, approve, ...(approve || trimmed === '' ? {} : { reason: trimmed }) });
    if (!checked.ok) {
      setError({ field: true, text: checked.fields?.reason ?? checked.message });
      return;
    }
    if (approve) {
      const answer = await Taro.showModal({ title: '通过更正', content: `通过后，中心 ${fix.centerCode} 的${CATALOG_FIELD_LABELS[fix.field]}将改为“${fix.to}”。确定通过？`, confirmText: '通过', cancelText: '取消' });
      if (!answer.confirm) return;
    }
    setBusy(true);
    setError(undefined);
    const result = await adminCalls.reviewCatalogFix(fix.id, approve, approve ? undefined : trimmed);
    setBusy(false);
    if (!result.ok) {
      setError({ field: false, text: result.message });
      return;
    }
    onReviewed(result.data);
    void Taro.showToast({ title: approve ? '已通过' : '已退回', icon: 'success' });
  };
  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title'>
          {CATALOG_FIELD_LABELS[fix.field]}（中心 {fix.centerCode}）
        </Text>
        <Text className={`supervise-tag ${fix.status === 'approved' ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-status`}>
          {FIX_STATUS_LABELS[fix.status]}
        </Text>
      </View>
      <Text className='supervise-line' id={`${id}-change`}>
        由“{fix.from}”改为“{fix.to}”
      </Text>
      <Text className='supervise-muted'>
        {fix.proposedBy} 提出于 <Text className='nowrap'>{formatShanghai(new Date(fix.proposedAt))}</Text>
      </Text>
      {fix.reviewedBy && fix.reviewedAt ? (
        <Text className='supervise-muted' id={`${id}-reviewed`}>
          {fix.reviewedBy} 审核于 <Text className='nowrap'>{formatShanghai(new Date(fix.reviewedAt))}</Text>
          {fix.reason ? `：${fix.reason}` : ''}
        </Text>
      ) : null}
      {fix.status === 'pending' ? (
        <View>
          {rejecting ? (
            <FormField prefix={id} slug='reason' label='不通过的理由' error={error?.field ? error.text : undefined}>
              <Textarea className='supervise-textarea' id={`${id}-reason`} maxlength={200} value={reason} placeholder='写明不通过的理由' onInput={(e) => setReason(e.detail.value)} />
            </FormField>
          ) : null}
          {rejecting ? null : (
            <ActionButton className='primary-button supervise-button' id={`${id}-approve`} loading={busy} disabled={busy} onClick={() => void review(true)}>
              通过
            </ActionButton>
          )}
          <ActionButton className='supervise-button danger-button' id={`${id}-reject`} loading={busy && rejecting} disabled={busy} onClick={() => (rejecting ? void review(false) : setRejecting(true))}>
            {rejecting ? '确认不通过' : '不通过'}
          </ActionButton>
          {error && !error.field ? (
            <Text className='supervise-error' id={`${id}-error`}>
              {error.text}
            </Text>
          ) : null}
        </View>
      ) : null}
    </View>
  );
}

/**
 * The trial's findings in the caller's scope by status, each with who fixes it: supervisors the catalog fields
 * (centers' names and phones), with 提出更正; 标记已处理 on an open one; and the corrections proposed, waiting for a second supervisor's review.
 */
export function CatalogSection() {
  const [status, setStatus] = useState<FindingStatus>('open');
  const findings = useCall(() => adminCalls.trialFindings(status), [status]);
  const fixes = useCall(adminCalls.catalogFixes, []);
  // answers of proposals and reviews, over the lists as loaded
  const [proposed, setProposed] = useState<CatalogFixView[]>([]);
  const [reviewed, setReviewed] = useState<Record<string, CatalogFixView>>({});
  const [resolved, setResolved] = useState<Record<string, FindingView>>({});

  const loadedFixes = fixes.status === 'ready' ? fixes.data.items : [];
  const known = new Set(loadedFixes.map((f) => f.id));
  const allFixes = [...loadedFixes, ...proposed.filter((f) => !known.has(f.id))].map((f) => reviewed[f.id] ?? f);
  // pending ones, and the ones reviewed here since the page opened (so their outcome shows)
  const shownFixes = allFixes.filter((f) => f.status === 'pending' || reviewed[f.id] !== undefined);
  const pendingFor = (finding: FindingView) => allFixes.find((f) => f.findingId === finding.id && f.status === 'pending');

  return (
    <View id='trial-catalog'>
      <ChipRow id='trial-findings-status' idOf={(s) => `trial-findings-status-${s}`} choices={FINDING_STATUS_CHOICES} chosen={status} onChoose={setStatus} />
      {findings.status === 'loading' ? <StateView status='loading' message='正在加载问题…' /> : null}
      {findings.status === 'error' ? <StateView status='error' message={findings.message} code={findings.code} onRetry={findings.reload} /> : null}
      {findings.status === 'ready' && findings.data.items.length === 0 ? <StateView status='empty' message={`暂无${FINDING_STATUS_LABELS[status]}的试用问题`} /> : null}
      {findings.status === 'ready'
        ? findings.data.items.map((f) => (
            <FindingCard
              key={f.id}
              finding={resolved[f.id] ?? f}
              proposed={pendingFor(f)}
              onProposed={(fix) => setProposed((all) => [...all, fix])}
              onResolved={(done) => setResolved((all) => ({ ...all, [done.id]: done }))}
            />
          ))
        : null}
      <Text className='section-title'>待审核的更正</Text>
      {fixes.status === 'loading' ? <StateView status='loading' message='正在加载更正…' /> : null}
      {fixes.status === 'error' ? <StateView status='error' message={fixes.message} code={fixes.code} onRetry={fixes.reload} /> : null}
      {fixes.status === 'ready' && shownFixes.length === 0 ? <StateView status='empty' message='暂无待审核的更正' /> : null}
      {shownFixes.map((fix) => (
        <FixCard key={fix.id} fix={fix} onReviewed={(done) => setReviewed((all) => ({ ...all, [done.id]: done }))} />
      ))}
    </View>
  );
}
