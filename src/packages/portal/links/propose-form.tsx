import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { portalEventSchema } from '../../../core/contracts/portal';
import { CHANGE_NOTICE_WORKING_DAYS, type ChangeView, type EndpointProposalAnswer, type PortalOverview } from '../../../core/center-portal';
import type { Fail, Result } from '../../../core/errors';
import { itemShortName, type ItemId } from '../../../core/items';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { ChipRow } from '../../../components/chip-row';
import { TextField } from '../../../components/application-form';
import { DateText, ProvisionalNote } from '../../../components/provisional-date';
import { messageFor, portalCalls, type EndpointProposal, type LinkProposal } from '../../../services/portal';
import type { NewSecret } from './secret-card';

type Target = ItemId | 'endpoint';
type Kind = 'web' | 'miniprogram' | 'api' | 'manual';
type Proposal = { kind: 'link'; proposal: LinkProposal } | { kind: 'endpoint'; proposal: EndpointProposal };

const KIND_LABELS: Record<Kind, string> = { web: 'H5 网页', miniprogram: '其他小程序', api: '中心接口', manual: '在工作台人工办理' };
const LINK_KINDS: Kind[] = ['web', 'miniprogram'];
const ENDPOINT_KINDS: Kind[] = ['api', 'manual'];

/** The form's fields by the contract's field names; what the function says about any other lands under the button. */
const FIELDS = { url: 'url', appId: 'appid', path: 'path', effectiveDate: 'date' } as const;
type Slug = (typeof FIELDS)[keyof typeof FIELDS] | 'form';

function errorsOf(failure: Fail): Partial<Record<Slug, string>> {
  const errors: Partial<Record<Slug, string>> = {};
  for (const [field, slug] of Object.entries(FIELDS)) {
    const message = messageFor(failure, field);
    if (message) errors[slug] = message;
  }
  return Object.keys(errors).length > 0 ? errors : { form: failure.message };
}

const eventOf = (p: Proposal) => ({ action: p.kind === 'link' ? 'proposeLink' : 'proposeEndpoint', ...p.proposal });
const send = (p: Proposal): Promise<Result<ChangeView | EndpointProposalAnswer>> =>
  p.kind === 'link' ? portalCalls.proposeLink(p.proposal) : portalCalls.proposeEndpoint(p.proposal);

interface ProposeFormProps {
  overview: PortalOverview;
  /** A trial finding on an item's link this form corrects (opened from 试用问题 with ?findingId=…&item=…): the item is picked and the order names the finding. */
  finding?: { id: string; item: ItemId };
  /** After a work order is made, so the history shows it; with the center's first signing secret when one was made with it. */
  onProposed: (secret: NewSecret | undefined) => void;
}

/**
 * A work order for an item's link (an https H5 page, or a mini-program's appId and page path) or for where
 * deliveries go (the center's API, or the workbench), with its effective date: pre-filled with the earliest
 * allowed, which the function computes on the official calendar. The function's reasons land under the
 * fields they are about.
 */
export function ProposeForm({ overview, finding, onProposed }: ProposeFormProps) {
  const earliest = overview.earliestEffectiveDate;
  const [target, setTarget] = useState<Target>(overview.links.find((l) => l.item === finding?.item)?.item ?? overview.links[0]?.item ?? 'endpoint');
  const [kind, setKind] = useState<Kind>('web');
  const [url, setUrl] = useState('');
  const [appId, setAppId] = useState('');
  const [path, setPath] = useState('');
  // a trial correction goes live when approved: its date is left empty unless the staff choose one
  const [date, setDate] = useState(finding ? '' : earliest);
  const [errors, setErrors] = useState<Partial<Record<Slug, string>>>({});
  const [busy, setBusy] = useState(false);
  // the function made the center's first signing secret with an API endpoint: the secret card shows it
  const [secretMade, setSecretMade] = useState(false);

  const pickTarget = (next: Target) => {
    setTarget(next);
    setKind(next === 'endpoint' ? 'api' : 'web');
    setErrors({});
  };
  const edit = (slug: Slug, set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors((all) => ({ ...all, [slug]: undefined, form: undefined }));
  };

  const proposal = (): Proposal => {
    if (target === 'endpoint') return { kind: 'endpoint', proposal: kind === 'manual' ? { manual: true, effectiveDate: date } : { url, effectiveDate: date } };
    const trial = finding?.item === target ? { findingId: finding.id, ...(date === '' ? {} : { effectiveDate: date }) } : { effectiveDate: date };
    return { kind: 'link', proposal: kind === 'miniprogram' ? { item: target, appId, path, ...trial } : { item: target, url, ...trial } };
  };

  const submit = async () => {
    const p = proposal();
    const checked = parseInput(portalEventSchema(new Date()), eventOf(p));
    if (!checked.ok) {
      setErrors(errorsOf(checked));
      return;
    }
    setBusy(true);
    setErrors({});
    const result = await send(p);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsOf(result));
      return;
    }
    setUrl('');
    setAppId('');
    setPath('');
    void Taro.showToast({ title: '已提交，等待审核', icon: 'success' });
    const secret = 'change' in result.data ? result.data.secret : undefined;
    setSecretMade(secret !== undefined);
    // made only for a center that had none: the one valid now
    onProposed(secret === undefined ? undefined : { secret, valid: 1 });
  };

  const kinds = target === 'endpoint' ? ENDPOINT_KINDS : LINK_KINDS;
  return (
    <View className='card links-card' id='links-propose'>
      <Text className='links-title'>登记变更</Text>
      <Text className='links-muted'>变更经监管人员审核通过后于生效日期切换，生效前原链接或接口继续使用。</Text>
      {finding && finding.item === target ? (
        <Text className='links-notice' id='links-propose-finding'>
          本次变更用于整改内部试用发现的“{itemShortName(finding.item)}”链接问题。生效日期可留空：试用期间监管人员审核通过后立即生效。
        </Text>
      ) : null}
      <Text className='links-label'>变更对象</Text>
      <ChipRow
        id='links-targets'
        idOf={(key) => `links-target-${key}`}
        choices={[...overview.links.map((l) => ({ key: String(l.item), label: itemShortName(l.item) })), { key: 'endpoint', label: '接收推送的接口' }]}
        chosen={String(target)}
        onChoose={(key) => pickTarget(key === 'endpoint' ? 'endpoint' : (Number(key) as ItemId))}
      />
      <Text className='links-muted' id='links-target-name'>
        {target === 'endpoint' ? '平台向本中心推送申请的地址' : overview.links.find((l) => l.item === target)?.itemName}
      </Text>
      <Text className='links-label'>方式</Text>
      <ChipRow id='links-kinds' idOf={(k) => `links-kind-${k}`} choices={kinds.map((k) => ({ key: k, label: KIND_LABELS[k] }))} chosen={kind} onChoose={setKind} />
      {kind === 'web' || kind === 'api' ? (
        <TextField
          prefix='links'
          slug='url'
          label={kind === 'web' ? '链接地址' : '接口地址'}
          hint='仅限 https、443 端口、域名（不能用 IP 地址）'
          value={url}
          placeholder='https://'
          maxlength={2048}
          error={errors.url}
          onInput={edit('url', setUrl)}
        />
      ) : null}
      {kind === 'miniprogram' ? (
        <>
          <TextField prefix='links' slug='appid' label='小程序 AppID' value={appId} placeholder='wx 开头的 18 位' maxlength={18} error={errors.appid} onInput={edit('appid', setAppId)} />
          <TextField prefix='links' slug='path' label='页面路径' value={path} placeholder='如 pages/index/index?item=1' maxlength={512} error={errors.path} onInput={edit('path', setPath)} />
        </>
      ) : null}
      <TextField
        prefix='links'
        slug='date'
        label='生效日期'
        hint={
          <>
            最早可于 <DateText date={earliest} provisional={overview.earliestProvisional} /> 生效（提交后第 {CHANGE_NOTICE_WORKING_DAYS} 个工作日）
          </>
        }
        value={date}
        placeholder='年-月-日，如 2027-01-05'
        maxlength={10}
        error={errors.date}
        onInput={edit('date', setDate)}
      />
      {overview.earliestProvisional ? <ProvisionalNote id='links-date-provisional' /> : null}
      <ActionButton className='primary-button links-button' id='links-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
        提交审核
      </ActionButton>
      {secretMade ? (
        <Text className='links-notice' id='links-propose-secret'>
          已同时为本中心生成第一个签名密钥，请在上方“签名密钥”处复制（只显示这一次）。
        </Text>
      ) : null}
      {errors.form ? (
        <Text className='links-error-text' id='links-propose-error'>
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}
