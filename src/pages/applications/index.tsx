import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { caseTitle, letterNumberText } from '../../core/applications/labels';
import type { ApplicationListEntry } from '../../core/applications/views';
import { shanghaiDate } from '../../core/time';
import { ActionButton } from '../../components/action-button';
import { StateView } from '../../components/state-view';
import { StatusTag } from '../../components/status-tag';
import { TestTag } from '../../components/test-tag';
import { applicationCalls } from '../../services/applications';
import { useCall } from '../../services/use-call';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

const goTransfer = () => void Taro.navigateTo({ url: '/pages/transfer/index' });

function Entry({ entry }: { entry: ApplicationListEntry }) {
  const letter = letterNumberText(entry);
  return (
    <View
      className='card applications-item'
      id={`application-item-${entry.id}`}
      onClick={() => void Taro.navigateTo({ url: `/pages/application/index?id=${encodeURIComponent(entry.id)}` })}
    >
      <View className='applications-head'>
        <Text className='applications-type'>
          {entry.test ? <TestTag id={`application-item-${entry.id}-test`} /> : null}
          {caseTitle(entry)}
        </Text>
        <StatusTag status={entry.status} />
      </View>
      <View className='applications-row'>
        <Text className='applications-label'>当前环节</Text>
        <Text className='applications-step'>{entry.step}</Text>
      </View>
      {letter ? (
        <View className='applications-row'>
          <Text className='applications-label'>联系函编号</Text>
          <Text className='applications-letter'>{letter}</Text>
        </View>
      ) : null}
      <View className='applications-row'>
        <Text className='applications-label'>办理中心</Text>
        <Text className='applications-center'>{entry.responsibleCenter.name}</Text>
      </View>
      <View className='applications-row'>
        <Text className='applications-label'>提交日期</Text>
        <Text className='applications-date'>{shanghaiDate(new Date(entry.createdAt))}</Text>
      </View>
      {entry.acceptOverdue ? <Text className='applications-overdue'>中心已超过受理时限仍未受理，可进入详情拨打中心电话催办</Text> : null}
    </View>
  );
}

/** 我的申请: every application of the caller, newest first as the function answers them. */
function ApplicationsPage() {
  const got = useCall(applicationCalls.list, []);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; later ones follow a return from a detail, where a withdrawal may have happened
    if (shown.current) got.reload();
    shown.current = true;
  });

  if (got.status === 'loading') return <StateView status='loading' message='正在加载我的申请…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;

  if (got.data.length === 0) {
    return (
      <View className='applications-page' id='applications-empty'>
        <StateView status='empty' message='您还没有在线提交过申请' />
        <ActionButton className='primary-button applications-button' id='applications-start' onClick={goTransfer}>
          申请异地转移接续
        </ActionButton>
      </View>
    );
  }

  return (
    <View className='applications-page' id='applications-list'>
      {got.data.map((entry) => (
        <Entry key={entry.id} entry={entry} />
      ))}
      <ActionButton className='secondary-button applications-button' id='applications-start' onClick={goTransfer}>
        新的转移接续申请
      </ActionButton>
    </View>
  );
}

export default withPageShell(ApplicationsPage, { title: '我的申请', back: false });
