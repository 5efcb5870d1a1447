import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { TEST_STATE_LABELS, type ProvinceReadiness, type TrialCentersAnswer } from '../../../core/trial';
import { ActionButton } from '../../../components/action-button';
import { ageLabel } from '../../../components/finding-details';
import { StateView } from '../../../components/state-view';
import { trialCalls } from '../../../services/trial';
import { useCall } from '../../../services/use-call';
import { goChecklist, goFindings } from '../shared/navigate';
import { withPageShell } from '../../../components/page-shell';
import '../shared/trial.scss';

/** Whether the province may open: the figures, and what is missing in words. */
function Readiness({ name, readiness }: { name: string; readiness: ProvinceReadiness }) {
  return (
    <View className='card trial-card' id='centers-readiness'>
      <View className='trial-head'>
        <Text className='trial-title'>{name}内部试用</Text>
        <Text className={`trial-result trial-result-${readiness.ready ? 'passed' : 'pending'}`} id='centers-ready'>
          {readiness.ready ? '已具备上线条件' : '尚未具备上线条件'}
        </Text>
      </View>
      <Text className='trial-text' id='centers-checked'>
        检查完成的中心 <Text className='nowrap'>{`${readiness.checked} / ${readiness.centers}`}</Text> 个
      </Text>
      <Text className='trial-text' id='centers-open-findings'>
        未关闭的问题 <Text className='nowrap'>{readiness.openFindings}</Text> 个
      </Text>
      <Text className='trial-text' id='centers-transfers'>
        已受理测试申请的接口中心 <Text className='nowrap'>{`${readiness.transferAccepted} / ${readiness.withEndpoint}`}</Text> 个
      </Text>
      {readiness.missing.length > 0 ? (
        <View className='alert' id='centers-missing'>
          {readiness.missing.map((m) => (
            <Text key={m} className='trial-missing'>
              {m}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}

function CenterRow({ center }: { center: TrialCentersAnswer['centers'][number] }) {
  return (
    <View className='card trial-center' id={`center-${center.centerCode}`} onClick={() => goChecklist(center.centerCode)}>
      <View className='trial-head'>
        <Text className='trial-check-label'>{center.centerName}</Text>
        <Text className={`trial-result trial-result-${center.ready ? 'passed' : 'pending'}`}>{center.ready ? '已就绪' : '未就绪'}</Text>
      </View>
      <Text className='trial-text' id={`center-${center.centerCode}-done`}>
        已检查 <Text className='nowrap'>{`${center.done} / ${center.total}`}</Text> 项{center.failed > 0 ? `，其中未通过 ${center.failed} 项` : ''}
      </Text>
      {center.openFindings > 0 ? (
        <Text className='trial-text trial-warning' id={`center-${center.centerCode}-findings`}>
          未关闭问题 {center.openFindings} 个，最早的{ageLabel(center.oldestOpenDays)}
        </Text>
      ) : null}
      <Text className={`trial-text trial-test-${center.transfer}`} id={`center-${center.centerCode}-transfer`}>
        转移接续测试申请：{TEST_STATE_LABELS[center.transfer]}
        {center.hasEndpoint ? '' : '（未登记接口）'}
      </Text>
      <Text className='trial-go'>去检查 ›</Text>
    </View>
  );
}

/** 内部试用: the tester's province's centers with their progress, the province's readiness, and the way to the findings. */
function TrialCentersPage() {
  const got = useCall(trialCalls.centers, []);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; later ones follow a checklist, whose records move the progress
    if (shown.current) got.reload();
    shown.current = true;
  });

  if (got.status === 'loading') return <StateView status='loading' message='正在加载本省中心…' />;
  if (got.status === 'error') return <StateView status='error' message={got.message} code={got.code} onRetry={got.reload} />;
  const { provinceName, centers, readiness } = got.data;
  return (
    <View className='trial-page'>
      <Readiness name={provinceName} readiness={readiness} />
      <ActionButton className='trial-button trial-wide-button' id='centers-go-findings' onClick={() => goFindings()}>
        试用问题与复核
      </ActionButton>
      <Text className='section-title'>本省中心（{centers.length} 个）</Text>
      {centers.length === 0 ? <StateView status='empty' message='本省暂无中心' /> : centers.map((c) => <CenterRow key={c.centerCode} center={c} />)}
    </View>
  );
}

export default withPageShell(TrialCentersPage, { title: '内部试用' });
