import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { PortalOverview } from '../../../core/center-portal';
import { formatShanghai, shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { portalCalls, type ConformanceReport } from '../../../services/portal';

interface ConformanceCardProps {
  conformance: PortalOverview['conformance'];
  /** After a run, so the overview shows the new status. */
  onRun: () => void;
}

/** 未开始接口测试, 已开始接口测试 (since when) or 已通过 (on which day). */
function statusText({ status, label, at }: PortalOverview['conformance']): string {
  if (at === null) return label;
  return status === 'passed' ? `${label}（${shanghaiDate(new Date(at))}）` : `${label}（最近一次：${formatShanghai(new Date(at))}）`;
}

/**
 * Interface testing: the status the overview answers, and a run of the conformance suite against the
 * center's endpoint with each check ✓ or ✗ and why.
 */
export function ConformanceCard({ conformance, onRun }: ConformanceCardProps) {
  const [report, setReport] = useState<ConformanceReport | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const run = async () => {
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    const result = await portalCalls.runConformance();
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setReport(result.data);
    onRun();
  };

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
        向本中心接口（正在登记的新接口优先）发送各类签名测试推送，检查错误签名和过期时间戳是否被拒绝、重复推送是否只处理一次、回调是否按规范发送。约需 1 分钟。
      </Text>
      <ActionButton className='links-button' id='links-run-conformance' loading={busy} disabled={busy} onClick={() => void run()}>
        运行接口测试
      </ActionButton>
      {busy ? <Text className='links-muted'>正在测试，约需 1 分钟，请不要离开本页…</Text> : null}
      {error ? (
        <Text className='links-error-text' id='links-conformance-error'>
          {error}
        </Text>
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
