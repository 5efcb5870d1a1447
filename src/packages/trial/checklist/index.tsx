import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { isRecordedByHand, TEST_STATE_LABELS, type CheckKind, type CheckView, type ChecklistAnswer, type RecordAnswer } from '../../../core/trial';
import { StateView } from '../../../components/state-view';
import { checklistWithCenter, trialCalls } from '../../../services/trial';
import { useCall } from '../../../services/use-call';
import { CheckLine } from './check-line';
import { withPageShell } from '../../../components/page-shell';
import '../shared/trial.scss';

const SECTIONS: { title: string; id: string; has: (view: CheckView) => boolean }[] = [
  { title: '中心信息', id: 'checklist-catalog', has: (v) => v.check === 'name' || v.check === 'phone' || v.check === 'poster' },
  { title: '办理链接与办理方式', id: 'checklist-links', has: (v) => v.check.startsWith('link:') },
  { title: '测试申请', id: 'checklist-tests', has: (v) => !isRecordedByHand(v.check) },
];

/** The line a record answered, in place of the one shown. */
const withLine = (answer: ChecklistAnswer, line: CheckView): ChecklistAnswer => ({ ...answer, checks: answer.checks.map((c) => (c.check === line.check ? line : c)) });

/**
 * One center of the tester's province (`?code=`): its name and service phone as displayed, its poster code, each
 * registered link and route, the test transfer and the optional test applications, each with its result.
 */
function ChecklistPage() {
  const { params } = useRouter();
  const code = params.code ?? '';
  const got = useCall(() => checklistWithCenter(code), [code]);
  // what a record or a test answered, then the checklist asked again (its progress moves with it)
  const [fresh, setFresh] = useState<ChecklistAnswer | undefined>(undefined);
  // what the function said of a record (通过 while the check's finding is not closed yet), by check
  const [notices, setNotices] = useState<Partial<Record<CheckKind, string>>>({});

  const refresh = async () => {
    const again = await trialCalls.checklist(code);
    if (again.ok) setFresh(again.data);
  };
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; later ones follow the findings page (a recheck) or a link opened: asked again
    // quietly, a link's question left as it is
    if (shown.current) void refresh();
    shown.current = true;
  });

  if (got.status === 'loading') return <StateView status='loading' message='正在加载检查清单…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const { center } = got.data;
  const answer = fresh ?? got.data.checklist;
  const { progress } = answer;

  const recorded = (result: RecordAnswer) => {
    setFresh(withLine(answer, result.check));
    setNotices((all) => ({ ...all, [result.check.check]: result.notice ?? undefined }));
    void refresh();
  };

  return (
    <View className='trial-page'>
      <View className='card trial-card' id='checklist-head'>
        <View className='trial-head'>
          <Text className='trial-title' id='checklist-center'>
            {answer.centerName}
          </Text>
          <Text className={`trial-result trial-result-${progress.ready ? 'passed' : 'pending'}`} id='checklist-ready'>
            {progress.ready ? '已就绪' : '未就绪'}
          </Text>
        </View>
        <Text className='trial-muted'>中心代码 {answer.centerCode}</Text>
        <Text className='trial-text' id='checklist-progress'>
          已检查 <Text className='nowrap'>{`${progress.done} / ${progress.total}`}</Text> 项{progress.failed > 0 ? `，其中未通过 ${progress.failed} 项` : ''}
          {progress.openFindings > 0 ? `；未关闭问题 ${progress.openFindings} 个` : ''}
        </Text>
        <Text className='trial-text' id='checklist-transfer'>
          转移接续测试申请：{TEST_STATE_LABELS[progress.transfer]}
          {progress.hasEndpoint ? '' : '（该中心未登记接口，在工作台受理）'}
        </Text>
      </View>
      {SECTIONS.map((section) => {
        const lines = answer.checks.filter(section.has);
        if (lines.length === 0) return null;
        return (
          <View key={section.id} id={section.id}>
            <Text className='section-title'>{section.title}</Text>
            {lines.map((view) => (
              <CheckLine key={view.check} view={view} center={center} notice={notices[view.check]} onRecorded={recorded} onSent={() => void refresh()} />
            ))}
          </View>
        );
      })}
    </View>
  );
}

export default withPageShell(ChecklistPage, { title: '中心检查' });
