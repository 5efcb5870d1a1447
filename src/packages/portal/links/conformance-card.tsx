import { Text, View } from '@tarojs/components';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { PortalOverview } from '../../../core/center-portal';
import { formatShanghai, shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { portalCalls, type ConformanceRunView } from '../../../services/portal';

/** How often the page asks for a run's progress while it goes on and the page is shown. */
export const CONFORMANCE_POLL_MS = 2_000;
/** The longest wait between polls after failed ones (each failure doubles the wait, from CONFORMANCE_POLL_MS). */
export const CONFORMANCE_RETRY_MAX_MS = 10_000;

/** The wait before the next poll after `failures` failed polls in a row. */
const pollDelay = (failures: number) => Math.min(CONFORMANCE_POLL_MS * 2 ** failures, CONFORMANCE_RETRY_MAX_MS);

interface ConformanceCardProps {
  conformance: PortalOverview['conformance'];
  /** After a run starts or ends, so the overview shows the new status. */
  onRun: () => void;
}

/** 未开始接口测试, 已开始接口测试 (since when) or 已通过 (on which day). */
function statusText({ status, label, at }: PortalOverview['conformance']): string {
  if (at === null) return label;
  return status === 'passed' ? `${label}（${shanghaiDate(new Date(at))}）` : `${label}（最近一次：${formatShanghai(new Date(at))}）`;
}

/**
 * Interface testing: the status the overview answers, and runs of the conformance suite against the center's
 * endpoint. A run goes on in the background: the card starts it, then asks for its progress every 2 s while it
 * goes on and the page is shown (步骤 x/y, each step's result), and shows each check ✓ or ✗ and why once it ends.
 * A failed poll is shown and tried again, waiting longer after each failure (up to 10 s), until the run ends.
 * Coming back to the page shows the run going on, or the last one.
 */
export function ConformanceCard({ conformance, onRun }: ConformanceCardProps) {
  const [run, setRun] = useState<ConformanceRunView | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState(true);
  /** Polls failed in a row: each one schedules the next poll, later. */
  const [failures, setFailures] = useState(0);
  useDidShow(() => setShown(true));
  useDidHide(() => setShown(false));

  // the latest run the overview names (going on, or the last one), when the page opens or it changes
  const latest = conformance.runId;
  const held = run?.runId;
  useEffect(() => {
    if (latest === null || latest === held) return undefined;
    let live = true;
    void portalCalls.conformanceRun(latest).then((result) => {
      if (live && result.ok) setRun(result.data);
    });
    return () => {
      live = false;
    };
  }, [latest, held]);

  const polling = run !== undefined && !run.finished && shown;
  useEffect(() => {
    if (!polling || run === undefined) return undefined;
    let live = true;
    const delay = pollDelay(failures);
    const timer = setTimeout(() => {
      void portalCalls.conformanceRun(run.runId).then((result) => {
        if (!live) return;
        if (!result.ok) {
          setError(`查询测试进度失败：${result.message}（${pollDelay(failures + 1) / 1000} 秒后自动再查）`);
          setFailures(failures + 1);
          return;
        }
        setError(undefined);
        setFailures(0);
        setRun(result.data);
        if (result.data.finished) onRun();
      });
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [polling, run, onRun, failures]);

  const start = async () => {
    setStarting(true);
    setError(undefined);
    const result = await portalCalls.runConformance();
    setStarting(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setRun(result.data);
    onRun();
  };

  const going = run !== undefined && !run.finished;
  const report = run?.report ?? null;
  const failed = report?.checks.filter((c) => !c.passed).length ?? 0;
  return (
    <View className='card links-card' id='links-conformance'>
      <View className='links-head'>
        <Text className='links-title'>接口测试</Text>
        <Text className={`links-tag links-tag-${conformance.status === 'passed' ? 'ok' : 'unknown'}`} id='links-conformance-status'>
          {statusText(conformance)}
        </Text>
      </View>
      <Text className='links-muted'>
        向本中心接口（正在登记的新接口优先）发送各类签名测试推送，检查错误签名和过期时间戳是否被拒绝、重复推送是否只处理一次、回调是否按规范发送；轮换密钥期间，两个有效密钥各测一遍。测试在后台进行，约需 1 分钟，可以离开本页，回来后查看进度和结果。
      </Text>
      <ActionButton className='secondary-button links-button' id='links-run-conformance' loading={starting} disabled={starting || going} onClick={() => void start()}>
        {going ? '测试进行中' : '运行接口测试'}
      </ActionButton>
      {error ? (
        <Text className='links-error-text' id='links-conformance-error'>
          {error}
        </Text>
      ) : null}
      {run ? (
        <View className='links-report' id='links-conformance-run'>
          <Text className='links-muted' id='links-conformance-progress'>
            {`${run.stateLabel}：步骤 ${run.done}/${run.total}（${formatShanghai(new Date(run.startedAt))} 开始，接口 ${run.url}）`}
          </Text>
          {report === null
            ? run.steps.map((s, i) => (
                <View key={s.name} className={`links-check links-step-${s.state}`} id={`links-step-${i}`}>
                  <Text className='links-check-name'>
                    <Text className='links-check-mark'>{s.label}</Text> {s.name}
                  </Text>
                  {s.checks.map((c) => (
                    <Text key={c.id} className='links-check-detail'>
                      {`${c.passed ? '✓' : '✗'} ${c.detail}`}
                    </Text>
                  ))}
                </View>
              ))
            : null}
        </View>
      ) : null}
      {report ? (
        <View className='links-report' id='links-conformance-report'>
          <Text className={report.passed ? 'links-report-passed' : 'links-report-failed'} id='links-conformance-result'>
            {report.passed ? `全部 ${report.checks.length} 项通过` : `${failed} 项未通过（共 ${report.checks.length} 项）`}
          </Text>
          {report.checks.map((c, i) => (
            <View key={c.id} className={`links-check ${c.passed ? 'links-check-passed' : 'links-check-failed'}`} id={`links-check-${i}`}>
              <Text className='links-check-name'>
                <Text className='links-check-mark'>{c.passed ? '✓' : '✗'}</Text> {c.name}
              </Text>
              <Text className='links-check-detail'>{c.detail}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}
