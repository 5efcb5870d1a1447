import { Text, View } from '@tarojs/components';
import { TRANSFER_CODES } from '../../../core/applications/state-machine';
import { caseTitle, centerRoleLabel } from '../../../core/applications/labels';
import { PURCHASE_TARGET_WORKING_DAYS } from '../../../core/applications/status';
import type { WorkbenchView } from '../../../core/applications/views';
import { yuanText } from '../../../core/money';
import { formatShanghai } from '../../../core/time';
import { DateText, ProvisionalNote } from '../../../components/provisional-date';
import { StatusTag } from '../../../components/status-tag';
import { TEST_CASE_NOTE, TestTag } from '../../../components/test-tag';

/** Where the application stands for this center: type, status, step, its part, the letter, the time limits and what was paid. */
export function StatusCard({ view }: { view: WorkbenchView }) {
  return (
    <View className='card workbench-card' id='workbench-status'>
      <View className='workbench-title-row'>
        <Text className='workbench-type'>
          {view.test ? <TestTag id='workbench-test' /> : null}
          {caseTitle(view)}
        </Text>
        <StatusTag status={view.status} id='workbench-status-label' />
      </View>
      {view.test ? (
        <Text className='workbench-muted' id='workbench-test-note'>
          {TEST_CASE_NOTE}
        </Text>
      ) : null}
      <Text className='workbench-muted'>
        当前环节：{view.step}
        {view.platformCode ? `（${view.platformCode} ${TRANSFER_CODES[view.platformCode].name}）` : ''}
      </Text>
      <Text className='workbench-muted'>本中心为{centerRoleLabel(view.type, view.role)}</Text>
      <Text className='workbench-muted'>联系函编号：{view.letterNumber ?? '未生成'}</Text>
      <Text className='workbench-muted'>提交时间：{formatShanghai(new Date(view.createdAt))}</Text>
      <Text className='workbench-muted' id='workbench-accept-by'>
        受理时限：<DateText date={view.acceptBy} provisional={view.acceptByProvisional} />
      </Text>
      {view.acceptOverdue ? (
        <Text className='workbench-overdue' id='workbench-overdue'>
          已超过受理时限，请尽快受理或作出不予受理决定
        </Text>
      ) : null}
      {view.target ? (
        <Text className={view.target.overdue ? 'workbench-overdue' : 'workbench-muted'} id='workbench-target'>
          办结时限：<DateText date={view.target.by} provisional={view.targetProvisional} />（{PURCHASE_TARGET_WORKING_DAYS} 个工作日）{view.target.overdue ? '，已超时' : ''}
        </Text>
      ) : null}
      {view.acceptByProvisional || (view.target !== null && view.targetProvisional) ? <ProvisionalNote id='workbench-provisional' /> : null}
      {view.payment ? (
        <Text className='workbench-muted' id='workbench-payment'>
          已支付：{yuanText(view.payment.amount)}（{view.payment.paidOn}）
        </Text>
      ) : null}
    </View>
  );
}
