import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { LaunchStateAnswer, ProvinceLaunchRow } from '../../../core/trial';
import { ActionButton } from '../../../components/action-button';
import { adminCalls } from '../../../services/portal';
import { ProgressBar } from '../shared/bars';

/** What a switch does, as its confirmation says it (opening a province not ready names what is missing). */
function confirmText(open: boolean, row: ProvinceLaunchRow | undefined): { title: string; content: string } {
  if (row === undefined) {
    return open
      ? { title: '开放全国', content: '开放后，全国所有群众均可使用本小程序。确定开放全国？' }
      : { title: '关闭全国', content: '关闭后，除单独开放的省份外，没有角色的人员将不能使用本小程序。确定关闭全国？' };
  }
  if (!open) return { title: `关闭${row.provinceName}`, content: `关闭后，${row.provinceName}的中心仅对内部人员开放。确定关闭？` };
  const missing = row.readiness.ready ? '' : `该省尚未具备上线条件（${row.readiness.missing.join('；')}）。`;
  return { title: `开放${row.provinceName}`, content: `${missing}开放后，${row.provinceName}各中心对所有群众开放。确定开放？` };
}

/** One province: open or not, its readiness in words and bars, what is missing, and (national supervisors) its switch. */
function ProvinceCard({ row, canSwitch, busy, idle, onSwitch }: { row: ProvinceLaunchRow; canSwitch: boolean; busy: boolean; idle: boolean; onSwitch: (open: boolean) => void }) {
  const { readiness } = row;
  const id = `trial-launch-${row.province}`;
  return (
    <View className='card supervise-card' id={id}>
      <View className='supervise-head'>
        <Text className='supervise-title'>{row.provinceName}</Text>
        <Text className={`supervise-tag ${row.open ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-state`}>
          {row.open ? '已开放' : '未开放'}
        </Text>
      </View>
      <ProgressBar id={`${id}-checked`} label='已检查完' value={readiness.checked} total={readiness.centers} />
      <ProgressBar id={`${id}-transfer`} label='转移接续测试申请已受理' value={readiness.transferAccepted} total={readiness.withEndpoint} unit='个有接口的中心' />
      <Text className='supervise-line' id={`${id}-findings`}>
        未关闭的问题 {readiness.openFindings} 个
      </Text>
      <Text className={`supervise-tag ${readiness.ready ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id={`${id}-ready`}>
        {readiness.ready ? '已具备上线条件' : '尚未具备上线条件'}
      </Text>
      {readiness.missing.length > 0 ? (
        <Text className='alert' id={`${id}-missing`}>
          {row.open ? `该省已对群众开放，但目前尚缺：${readiness.missing.join('；')}。请督促有关中心尽快整改，必要时${canSwitch ? '关闭该省' : '报请全国监管人员关闭该省'}。` : `尚缺：${readiness.missing.join('；')}`}
        </Text>
      ) : null}
      {canSwitch ? (
        <ActionButton className={`supervise-button ${row.open ? 'danger-button' : 'primary-button'}`} id={`${id}-switch`} loading={busy} disabled={!idle} onClick={() => onSwitch(!row.open)}>
          {row.open ? `关闭${row.provinceName}` : `开放${row.provinceName}`}
        </ActionButton>
      ) : null}
    </View>
  );
}

/**
 * The launch: the national state and each province in scope with its readiness beside it. National supervisors
 * switch the nation or a province after a confirmation and see the state the function answers; provincial
 * supervisors see their province only, read-only.
 */
export function LaunchSection({ loaded, national }: { loaded: LaunchStateAnswer; national: boolean }) {
  const [state, setState] = useState(loaded);
  // which switch is running: a province's code, or 'national'
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const change = async (open: boolean, province?: string) => {
    const row = province === undefined ? undefined : state.provinces.find((p) => p.province === province);
    const answer = await Taro.showModal({ ...confirmText(open, row), confirmText: open ? '开放' : '关闭', cancelText: '取消' });
    if (!answer.confirm) return;
    setBusy(province ?? 'national');
    setSaid(undefined);
    const result = await adminCalls.setLaunch(open, province);
    setBusy(undefined);
    if (!result.ok) {
      setSaid({ ok: false, text: result.message });
      return;
    }
    setState(result.data);
    const what = row?.provinceName ?? '全国';
    setSaid({ ok: true, text: `${what}已${open ? '开放' : '关闭'}。${result.data.national ? '当前全国已开放。' : '当前全国未开放，仅已开放的省份对群众开放。'}` });
    void Taro.showToast({ title: open ? '已开放' : '已关闭', icon: 'success' });
  };

  return (
    <View id='trial-launch'>
      <View className='card supervise-card' id='trial-launch-national'>
        <View className='supervise-head'>
          <Text className='supervise-title'>全国</Text>
          <Text className={`supervise-tag ${state.national ? 'supervise-tag-good' : 'supervise-tag-bad'}`} id='trial-launch-national-state'>
            {state.national ? '已开放' : '内部试用中'}
          </Text>
        </View>
        <Text className='supervise-muted'>
          {national ? '开放或关闭全国、单个省份，每次操作均记录在审计日志中。' : '上线开关由全国监管人员操作，此处仅供查看本省的上线准备情况。'}
        </Text>
        {national ? (
          <ActionButton
            className={`supervise-button ${state.national ? 'danger-button' : 'primary-button'}`}
            id='trial-launch-national-switch'
            loading={busy === 'national'}
            disabled={busy !== undefined}
            onClick={() => void change(!state.national)}
          >
            {state.national ? '关闭全国' : '开放全国'}
          </ActionButton>
        ) : null}
        {said ? (
          <Text className={said.ok ? 'supervise-line' : 'supervise-error'} id='trial-launch-said'>
            {said.text}
          </Text>
        ) : null}
      </View>
      {state.provinces.map((row) => (
        <ProvinceCard key={row.province} row={row} canSwitch={national} busy={busy === row.province} idle={busy === undefined} onSwitch={(open) => void change(open, row.province)} />
      ))}
    </View>
  );
}
