import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { BUSINESS_DOMAIN_STATE_LABELS, type BusinessDomainsAnswer, type BusinessDomainState, type BusinessDomainView } from '../../../core/business-domains';
import { AdminEventSchema } from '../../../core/contracts/admin';
import type { Fail } from '../../../core/errors';
import { formatShanghai } from '../../../core/time';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { adminCalls, messageFor, type BusinessDomainChange } from '../../../services/portal';

/** Centers named on a card; a domain many centers share (a province's platform) names the first ones and the count. */
const CENTERS_NAMED = 5;

/** The centers using a domain, in words. */
function centersLine(view: BusinessDomainView): string {
  const named = view.centers.slice(0, CENTERS_NAMED).map((c) => c.name);
  if (named.length === 0) return '使用的中心：无';
  const more = view.centers.length > CENTERS_NAMED ? `等 ${view.centers.length} 个中心` : '';
  return `使用的中心：${named.join('、')}${more}（${view.links} 个链接）`;
}

/** The element ids of a domain's card: `#domain-<host with - for .>`. */
export const domainSlug = (domain: string) => `domain-${domain.replace(/\./g, '-')}`;

const TAG_CLASSES: Record<BusinessDomainState, string> = {
  unlisted: 'supervise-tag supervise-tag-bad',
  requested: 'supervise-tag',
  'file-placed': 'supervise-tag',
  configured: 'supervise-tag supervise-tag-good',
};

/** What each change does, as its confirmation says it. */
function confirmText(domain: string, change: BusinessDomainChange): { title: string; content: string; confirmText: string } {
  switch (change.state) {
    case 'requested':
      return { title: '申请业务域名', content: `将校验文件 ${change.file?.name ?? ''} 交给使用 ${domain} 的中心，请其放置在域名根目录下。确定申请？`, confirmText: '申请' };
    case 'configured':
      return { title: '标记已配置', content: `请确认已在微信公众平台“开发管理—业务域名”中添加 ${domain}。标记后，该域名的链接将在小程序内打开。确定标记？`, confirmText: '标记' };
    default:
      return { title: '移除业务域名', content: `移除后，${domain} 的链接不再在小程序内打开，群众将看到中心的小程序或可复制的链接。确定移除？`, confirmText: '移除' };
  }
}

type Field = 'name' | 'content';
type Errors = Partial<Record<Field | 'form', string>>;

/** Where a refusal goes: beside the file's name or content when it names one of them, else under the buttons. */
function errorsOf(failure: Fail): Errors {
  const name = messageFor(failure, 'file.name');
  const content = messageFor(failure, 'file.content');
  if (name !== undefined || content !== undefined) return { name, content };
  return { form: messageFor(failure, 'file') ?? failure.message };
}

/** The last daily check of the domain's verification file, in words. */
function checkLine(view: BusinessDomainView): string {
  if (!view.checkedAt) return view.verificationFile ? '每日检查尚未检查校验文件' : '';
  const at = formatShanghai(new Date(view.checkedAt));
  return view.problem ? `${at} 检查：${view.problem}` : `${at} 检查：校验文件可以访问`;
}

/**
 * One domain: its state in words, the centers and links using it, the verification file's name and its last check;
 * for national supervisors the changes its state allows (none on a subdomain a configured parent covers: it says
 * so), each after a confirmation, the function's refusal beside the field it names.
 */
export function DomainCard({ view, national, onChanged }: { view: BusinessDomainView; national: boolean; onChanged: (list: BusinessDomainsAnswer) => void }) {
  const id = domainSlug(view.domain);
  const [asking, setAsking] = useState(false);
  const [file, setFile] = useState({ name: '', content: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | undefined>(undefined);
  const checked = checkLine(view);

  const change = async (change: BusinessDomainChange) => {
    // checked here as the function checks it: nothing is sent that it would refuse
    const parsed = parseInput(AdminEventSchema, { action: 'setBusinessDomain', ...change });
    if (!parsed.ok) {
      setErrors(errorsOf(parsed));
      return;
    }
    const answer = await Taro.showModal({ ...confirmText(view.domain, change), cancelText: '取消' });
    if (!answer.confirm) return;
    setBusy(true);
    setErrors({});
    setSaid(undefined);
    const result = await adminCalls.setBusinessDomain(change);
    setBusy(false);
    if (!result.ok) {
      setErrors(errorsOf(result));
      return;
    }
    onChanged(result.data);
    setAsking(false);
    setSaid(`已改为：${BUSINESS_DOMAIN_STATE_LABELS[change.state]}`);
    void Taro.showToast({ title: '已保存', icon: 'success' });
  };
  // the form opens on its own: what the last change came to no longer stands beside it
  const openForm = () => {
    setSaid(undefined);
    setErrors({});
    setAsking(true);
  };
  const request = () => void change({ domain: view.domain, state: 'requested', file: { name: file.name.trim(), content: file.content.trim() } });

  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title domains-url' id={`${id}-name`}>
          {view.domain}
        </Text>
      </View>
      <Text className={TAG_CLASSES[view.state]} id={`${id}-state`}>
        {BUSINESS_DOMAIN_STATE_LABELS[view.state]}
      </Text>
      <Text className='supervise-line' id={`${id}-centers`}>
        {centersLine(view)}
      </Text>
      {view.verificationFile ? (
        <Text className='supervise-line domains-url' id={`${id}-file`}>
          校验文件：{view.verificationFile}
        </Text>
      ) : null}
      {checked ? (
        <Text className={view.problem ? 'supervise-error' : 'supervise-muted'} id={`${id}-check`}>
          {checked}
        </Text>
      ) : null}
      {view.coveredBy ? (
        <Text className='supervise-muted' id={`${id}-covered`}>
          由业务域名 {view.coveredBy} 覆盖：微信允许业务域名的子域名在小程序内打开，无需单独设置。
        </Text>
      ) : null}
      {view.coveredBy && view.ownState ? (
        <View className='domains-actions'>
          <Text className='supervise-muted' id={`${id}-own-state`}>
            此前单独设置的状态“{BUSINESS_DOMAIN_STATE_LABELS[view.ownState]}”仍保留{view.ownState === 'configured' ? '，并占用一个业务域名名额' : ''}；请在微信公众平台移除后在此清除。
          </Text>
          {national ? (
            <ActionButton className='danger-button supervise-button' id={`${id}-remove`} disabled={busy} onClick={() => void change({ domain: view.domain, state: 'unlisted' })}>
              清除单独设置
            </ActionButton>
          ) : null}
        </View>
      ) : null}
      {national && !view.coveredBy ? (
        <View className='domains-actions'>
          {asking ? (
            <View className='domains-form' id={`${id}-form`}>
              <Text className='supervise-muted'>在微信公众平台“开发管理—业务域名”中添加该域名时，微信会下发一个校验文件，请照样填写其文件名和内容。</Text>
              <TextField prefix={id} slug='file-name' label='校验文件名' value={file.name} placeholder='如 a1b2c3d4.txt' maxlength={68} error={errors.name} onInput={(name) => setFile((f) => ({ ...f, name }))} />
              <TextField prefix={id} slug='file-content' label='校验文件内容' value={file.content} placeholder='文件中的全部文字' maxlength={256} error={errors.content} onInput={(content) => setFile((f) => ({ ...f, content }))} />
              <ActionButton className='primary-button supervise-button' id={`${id}-request-send`} loading={busy} disabled={busy} onClick={request}>
                提交申请
              </ActionButton>
              <ActionButton className='secondary-button supervise-button' id={`${id}-request-cancel`} disabled={busy} onClick={() => setAsking(false)}>
                取消
              </ActionButton>
            </View>
          ) : view.state === 'configured' ? null : (
            <ActionButton className='secondary-button supervise-button supervise-table-button' id={`${id}-request`} disabled={busy} onClick={openForm}>
              {view.state === 'unlisted' ? '申请' : '重新申请'}
            </ActionButton>
          )}
          {/* while the form is open, its own two buttons are the only ones */}
          {asking || view.state === 'configured' ? null : (
            <ActionButton className='primary-button supervise-button' id={`${id}-configure`} loading={busy} disabled={busy} onClick={() => void change({ domain: view.domain, state: 'configured' })}>
              标记已配置
            </ActionButton>
          )}
          {asking || view.state === 'unlisted' ? null : (
            <ActionButton className='danger-button supervise-button' id={`${id}-remove`} disabled={busy} onClick={() => void change({ domain: view.domain, state: 'unlisted' })}>
              移除
            </ActionButton>
          )}
        </View>
      ) : null}
      {errors.form ? (
        <Text className='supervise-error' id={`${id}-error`}>
          {errors.form}
        </Text>
      ) : null}
      {said ? (
        <Text className='supervise-line' id={`${id}-said`}>
          {said}
        </Text>
      ) : null}
    </View>
  );
}
