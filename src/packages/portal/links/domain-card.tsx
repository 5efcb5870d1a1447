import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { BUSINESS_DOMAIN_STATE_LABELS, type BusinessDomainState, type CenterDomainView } from '../../../core/business-domains';
import { itemShortName } from '../../../core/items';
import { formatShanghai } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { copyFailed, copyText } from '../../../services/clipboard';
import { portalCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';
import './domain-card.scss';

const WHY = '在微信小程序内打开网页需要该域名配置为本小程序的业务域名，微信要求先在域名根目录下放置它下发的校验文件，以证明域名归属。配置完成前，群众点击使用该域名的链接时，会被引导到中心自己的小程序（如已登记），或复制链接到浏览器中打开。';

/** What the center has to do, by state. */
const NEXT: Record<BusinessDomainState, string> = {
  unlisted: '尚未申请：全国监管部门申请后，这里将显示需要放置的校验文件。',
  requested: '请将下面的校验文件放在域名根目录下，使下面的地址可以访问到它；每日检查确认后，由全国监管部门完成配置。',
  'file-placed': '校验文件已确认可以访问，请保留该文件；全国监管部门配置完成后，链接即在小程序内打开。',
  configured: '已配置：群众在小程序内直接打开使用该域名的链接。请保留校验文件。',
};

const TAG_CLASSES: Record<BusinessDomainState, string> = {
  unlisted: 'links-tag links-tag-bad',
  requested: 'links-tag links-status-pending',
  'file-placed': 'links-tag links-status-pending',
  configured: 'links-tag links-tag-ok',
};

/** A selectable value with its label and a copy button; when the copy fails, how to copy it by hand. */
function FileValue({ id, label, value }: { id: string; label: string; value: string }) {
  const [failed, setFailed] = useState(false);
  const copy = async () => {
    const copied = await copyText(value);
    setFailed(!copied);
    if (copied) await Taro.showToast({ title: `${label}已复制`, icon: 'none' });
  };
  return (
    <View className='links-card'>
      <Text className='domain-file-label'>{label}</Text>
      <Text className='domain-file-value' id={id} userSelect>
        {value}
      </Text>
      <ActionButton className='secondary-button links-button' id={`${id}-copy`} onClick={() => void copy()}>
        复制{label}
      </ActionButton>
      {failed ? (
        <Text className='links-error-text' id={`${id}-copy-failed`}>
          {copyFailed(label)}
        </Text>
      ) : null}
    </View>
  );
}

/** One domain of the center's web links: its state in words, the items using it, and while asked for, the file to place. */
function DomainCard({ view }: { view: CenterDomainView }) {
  const id = `links-domain-${view.domain.replace(/\./g, '-')}`;
  const file = view.verificationFile;
  return (
    <View className='card links-card' id={id}>
      <Text className='links-title domain-file-value'>{view.domain}</Text>
      <Text className={TAG_CLASSES[view.state]} id={`${id}-state`}>
        {BUSINESS_DOMAIN_STATE_LABELS[view.state]}
      </Text>
      <Text className='links-muted' id={`${id}-items`}>
        使用该域名的事项：{view.items.map(itemShortName).join('、')}
      </Text>
      <Text className='links-value' id={`${id}-next`}>
        {NEXT[view.state]}
      </Text>
      {view.state === 'configured' ? null : <Text className='links-muted'>{WHY}</Text>}
      {file ? (
        <View className='domain-file' id={`${id}-file`}>
          <FileValue id={`${id}-file-name`} label='文件名' value={file.name} />
          <FileValue id={`${id}-file-content`} label='文件内容' value={file.content} />
          <FileValue id={`${id}-file-url`} label='访问地址' value={file.url} />
        </View>
      ) : null}
      {view.checkedAt ? (
        <Text className={view.problem ? 'links-error-text' : 'links-muted'} id={`${id}-check`}>
          {formatShanghai(new Date(view.checkedAt))} 检查：{view.problem ?? '校验文件可以访问'}
        </Text>
      ) : null}
    </View>
  );
}

/** 业务域名: a card per domain of the center's own web links (`portal businessDomains`). */
export function DomainCards() {
  const got = useCall(portalCalls.businessDomains, []);
  if (got.status === 'loading') return <StateView status='loading' message='正在加载业务域名…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  if (got.data.length === 0) return null;
  return (
    <View id='links-domains'>
      <Text className='section-title'>业务域名</Text>
      {got.data.map((d) => (
        <DomainCard key={d.domain} view={d} />
      ))}
    </View>
  );
}
