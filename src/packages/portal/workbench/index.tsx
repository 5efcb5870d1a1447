import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { caseTitle, centerRoleLabel, letterNumberText } from '../../../core/applications/labels';
import type { WorkbenchEntry } from '../../../core/applications/views';
import { shanghaiDate } from '../../../core/time';
import { DateText } from '../../../components/provisional-date';
import { StateView } from '../../../components/state-view';
import { StatusTag } from '../../../components/status-tag';
import { TestTag } from '../../../components/test-tag';
import { workbenchCalls } from '../../../services/applications';
import { useCall } from '../../../services/use-call';
import { FollowUps } from './follow-ups';
import { withPageShell } from '../../../components/page-shell';
import './index.scss';

function Entry({ entry }: { entry: WorkbenchEntry }) {
  // a transfer's contact letter (受理后生成 until accepted); no other type has one
  const letter = letterNumberText(entry);
  return (
    <View
      className={`card workbench-item${entry.acceptOverdue ? ' workbench-item-overdue' : ''}`}
      id={`workbench-item-${entry.id}`}
      onClick={() => void Taro.navigateTo({ url: `/packages/portal/workbench-detail/index?id=${encodeURIComponent(entry.id)}` })}
    >
      <View className='workbench-head'>
        <Text className='workbench-applicant'>
          {entry.test ? <TestTag id={`workbench-item-${entry.id}-test`} /> : null}
          {entry.applicantMasked} · {caseTitle(entry)}
        </Text>
        <StatusTag status={entry.status} />
      </View>
      <Text className='workbench-meta'>
        本中心为{centerRoleLabel(entry.type, entry.role)} · 当前环节：<Text className='nowrap'>{entry.step}</Text>
      </Text>
      {letter === undefined ? null : <Text className='workbench-meta'>联系函编号：{letter}</Text>}
      <Text className='workbench-meta'>
        提交日期：{shanghaiDate(new Date(entry.createdAt))} · 受理时限：<DateText date={entry.acceptBy} provisional={entry.acceptByProvisional} />
      </Text>
      {entry.acceptByProvisional ? <Text className='workbench-meta' id={`workbench-item-${entry.id}-provisional`}>受理时限为预计：该年度国务院节假日安排尚未载入，暂按周末推算</Text> : null}
      {entry.acceptOverdue ? <Text className='workbench-overdue'>已超过受理时限，请尽快受理</Text> : null}
    </View>
  );
}

/**
 * Center staff: the applications forwarded to their center, overdue ones flagged, and the low ratings to
 * follow up. Everyone else is refused by the function itself (FORBIDDEN), whose message this page shows.
 */
function WorkbenchPage() {
  const got = useCall(workbenchCalls.list, []);
  const followUps = useCall(workbenchCalls.followUps, []);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; later ones follow a return from a detail where staff may have acted
    if (shown.current) {
      got.reload();
      followUps.reload();
    }
    shown.current = true;
  });

  if (got.status === 'loading') return <StateView status='loading' message='正在加载本中心的申请…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;

  const overdue = got.data.filter((e) => e.acceptOverdue).length;
  const open = followUps.status === 'ready' ? followUps.data.filter((f) => f.status === 'open').length : 0;
  return (
    <View className='workbench-page'>
      <View id='workbench-list'>
        {got.data.length === 0 ? (
          <StateView status='empty' message='本中心暂无待办申请' />
        ) : (
          <View>
            <Text className='section-title' id='workbench-summary'>
              共 {got.data.length} 件{overdue > 0 ? `，其中 ${overdue} 件已超过受理时限` : ''}
            </Text>
            {got.data.map((entry) => (
              <Entry key={entry.id} entry={entry} />
            ))}
          </View>
        )}
      </View>
      <View id='workbench-follow-ups'>
        <Text className='section-title'>差评回访{open > 0 ? `（${open} 件待回访）` : ''}</Text>
        <FollowUps got={followUps} />
      </View>
    </View>
  );
}

export default withPageShell(WorkbenchPage, { title: '申请工作台' });
