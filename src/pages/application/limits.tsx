import { Text, View } from '@tarojs/components';
import { centerRoleLabel, showsAcceptLimit } from '../../core/applications/labels';
import { isFinal, PURCHASE_TARGET_WORKING_DAYS, TRANSFER_ACCEPT_WORKING_DAYS } from '../../core/applications/status';
import type { ApplicationView } from '../../core/applications/views';
import { DateText, ProvisionalNote } from '../../components/provisional-date';

/**
 * The time limits that still stand: the acceptance limit while the case waits to be accepted, a purchase withdrawal's
 * completion target until it ends. Once the case has ended (办结, 已撤销, 不予受理, 失败) no limit is left on the page;
 * a withdrawal completed late still says so.
 */
export function TimeLimits({ view }: { view: ApplicationView }) {
  // the center that receives the application and must accept it comes first; named with its part, since a certificate's
  // other center is the 受理地中心 where the person applied
  const [responsible] = view.centers;
  const accept = showsAcceptLimit(view.status);
  const target = view.target && !isFinal(view.status) ? view.target : undefined;
  const late = view.status === 'completed' && view.target?.overdue === true;
  if (!accept && !target && !late) return null;
  return (
    <View className='card application-card' id='application-accept'>
      {accept ? (
        <Text id='application-accept-by'>
          受理时限：{centerRoleLabel(view.type, responsible.role)} {responsible.name}应在 <DateText date={view.acceptBy} provisional={view.acceptByProvisional} /> 前受理（{TRANSFER_ACCEPT_WORKING_DAYS} 个工作日）
        </Text>
      ) : null}
      {accept && view.acceptOverdue ? (
        <Text className='application-overdue' id='application-overdue'>
          已超过受理时限，{responsible.name}仍未受理。您可以拨打下方中心服务热线催办，或拨打 12329 住房公积金服务热线反映。
        </Text>
      ) : null}
      {target ? (
        <Text className='application-target' id='application-target'>
          办结时限：两地中心应在 <DateText date={target.by} provisional={view.targetProvisional} /> 前办结（{PURCHASE_TARGET_WORKING_DAYS} 个工作日）
        </Text>
      ) : null}
      {target?.overdue ? (
        <Text className='application-overdue' id='application-target-overdue'>
          已超过办结时限，仍未办结。您可以拨打下方中心服务热线催办，或拨打 12329 住房公积金服务热线反映。
        </Text>
      ) : null}
      {late ? (
        <Text className='application-overdue' id='application-target-overdue'>
          本申请办结晚于 {PURCHASE_TARGET_WORKING_DAYS} 个工作日的时限。
        </Text>
      ) : null}
      {(accept && view.acceptByProvisional) || (target && view.targetProvisional) ? <ProvisionalNote id='application-provisional' /> : null}
    </View>
  );
}
