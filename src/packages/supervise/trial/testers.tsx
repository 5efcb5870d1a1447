import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { formatShanghai } from '../../../core/time';
import type { TesterView } from '../../../core/trial';
import { ActionButton } from '../../../components/action-button';
import { StateView } from '../../../components/state-view';
import { adminCalls } from '../../../services/portal';
import { useCall } from '../../../services/use-call';

/**
 * The testers of the caller's scope (a provincial supervisor's province, every one for national supervisors): who,
 * of which province, since when; a tester in force is revoked after a confirmation and loses the trial at once.
 */
export function TestersSection() {
  const listed = useCall(adminCalls.testers, []);
  const [changed, setChanged] = useState<Record<string, TesterView>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const revoke = async (r: TesterView, key: string) => {
    const answer = await Taro.showModal({ title: '撤销测试人员', content: `确定撤销${r.name}（${r.provinceName}）的内部测试人员角色？撤销后其下一次操作即不能再参加试用。`, confirmText: '撤销', cancelText: '取消' });
    if (!answer.confirm) return;
    setBusy(key);
    setError(undefined);
    const result = await adminCalls.revokeTester(r.tester);
    setBusy(undefined);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setChanged((all) => ({ ...all, [key]: result.data }));
    void Taro.showToast({ title: '已撤销', icon: 'success' });
  };

  if (listed.status === 'loading') return <StateView status='loading' message='正在加载测试人员…' />;
  if (listed.status === 'error') return <StateView status='error' message={listed.message} code={listed.code} onRetry={listed.reload} />;
  if (listed.data.length === 0) return <StateView status='empty' message='暂无测试人员' />;
  // one tester per line, numbered in the order listed: an element id carries neither an openid nor a handle
  const testers = listed.data.map((r, i) => ({ key: `${i + 1}`, role: changed[`${i + 1}`] ?? r }));
  return (
    <View id='trial-testers'>
      {error ? (
        <Text className='supervise-error' id='trial-testers-error'>
          {error}
        </Text>
      ) : null}
      {testers.map(({ key, role: r }) => (
        <View key={key} className='card supervise-card' id={`trial-tester-${key}`}>
          <View className='supervise-head'>
            <Text className='supervise-title'>{r.name}</Text>
            <Text className={`supervise-tag ${r.active ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`trial-tester-${key}-state`}>
              {r.active ? '在任' : '已撤销'}
            </Text>
          </View>
          <Text className='supervise-line'>{r.provinceName}</Text>
          <Text className='supervise-muted' id={`trial-tester-${key}-dates`}>
            加入于 <Text className='nowrap'>{formatShanghai(new Date(r.grantedAt))}</Text>（邀请人：{r.grantedBy}）
            {r.revokedAt ? (
              <Text>
                ，撤销于 <Text className='nowrap'>{formatShanghai(new Date(r.revokedAt))}</Text>
                {r.revokedBy ? `（${r.revokedBy}）` : ''}
              </Text>
            ) : null}
          </Text>
          {r.active ? (
            <ActionButton className='supervise-button danger-button' id={`trial-tester-${key}-revoke`} loading={busy === key} disabled={busy !== undefined} onClick={() => void revoke(r, key)}>
              撤销测试人员
            </ActionButton>
          ) : null}
        </View>
      ))}
    </View>
  );
}
