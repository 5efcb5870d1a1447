import { Text, View } from '@tarojs/components';
import { BUSINESS_DOMAIN_STATE_LABELS } from '../../../core/business-domains';
import { describeValue, targetValue, type ChangeView } from '../../../core/center-portal';
import { formatShanghai } from '../../../core/time';

/**
 * What a work order changes, old beside new: what it replaced once live, what is live now while it waits (`current`,
 * in the list to review); who proposed and decided it (names and roles, never openids) and when; a web link's domain
 * and its state among the mini-program's business domains, when the answer carries it.
 */
export function ChangeLines({ change: c, prefix }: { change: ChangeView; prefix: string }) {
  const old = c.status === 'live' ? c.previous : c.current;
  const shownOld = c.status === 'live' || c.current !== undefined;
  return (
    <View className='review-lines'>
      <Text className='review-target'>{c.targetLabel}</Text>
      <View className='review-compare' id={`${prefix}-${c.id}-compare`}>
        {shownOld ? (
          <View className='review-side'>
            <Text className='review-side-label'>{c.status === 'live' ? '原为' : '现在'}</Text>
            <Text className='review-side-value' id={`${prefix}-${c.id}-old`}>
              {describeValue(old ?? null)}
            </Text>
          </View>
        ) : null}
        <View className='review-side review-side-new'>
          <Text className='review-side-label'>{c.status === 'live' ? '改为' : '拟改为'}</Text>
          <Text className='review-side-value' id={`${prefix}-${c.id}-new`}>
            {describeValue(targetValue(c.target))}
          </Text>
        </View>
      </View>
      {c.domain ? (
        <Text className='review-muted' id={`${prefix}-${c.id}-domain`}>
          业务域名：{c.domain.name}（{BUSINESS_DOMAIN_STATE_LABELS[c.domain.state]}）
        </Text>
      ) : null}
      {c.immediate ? (
        <Text className='review-muted' id={`${prefix}-${c.id}-immediate`}>
          监管人员直接修改，即时生效
        </Text>
      ) : (
        <Text className='review-muted'>生效日期：{c.effectiveDate}</Text>
      )}
      <Text className='review-muted' id={`${prefix}-${c.id}-proposed`}>
        {c.immediate ? '修改' : '提交'}：{c.proposedBy} · {formatShanghai(new Date(c.proposedAt))}
      </Text>
      {c.reviewedBy && c.reviewedAt && !c.immediate ? (
        <Text className='review-muted' id={`${prefix}-${c.id}-reviewed`}>
          审核：{c.reviewedBy} · {formatShanghai(new Date(c.reviewedAt))}
        </Text>
      ) : null}
      {c.reason ? <Text className='review-muted'>{c.immediate ? '说明' : '审核意见'}：{c.reason}</Text> : null}
      {c.appliedAt ? <Text className='review-muted'>已于 {formatShanghai(new Date(c.appliedAt))} 生效</Text> : null}
    </View>
  );
}
