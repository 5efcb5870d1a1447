import { AppError } from '../../../src/core/errors';
import { provinceName } from '../../../src/core/supervision';
import type { LaunchState, LaunchStateAnswer } from '../../../src/core/trial';
import type { Caller, ServiceContext } from '../runtime/define';
import { readLaunch, switchLaunch } from '../runtime/launch-state';
import { isNationalSupervisor, provincesShown } from '../supervision/scope';
import { provinceReadiness } from './readiness';

/** The audit subject of every switch of the launch state. */
export const LAUNCH_SUBJECT = 'launch';

const describe = (state: LaunchState) =>
  state.national ? '全国开放' : state.provinces.length === 0 ? '未开放' : `已开放：${state.provinces.map(provinceName).join('、')}`;

/** `admin launchState`: supervisors see the provinces they supervise, each with its readiness beside its switch. */
export async function launchState(ctx: ServiceContext, caller: Caller): Promise<LaunchStateAnswer> {
  const provinces = provincesShown(caller, undefined);
  const state = await readLaunch(ctx.store);
  const readiness = await provinceReadiness(ctx, provinces);
  return {
    national: state.national,
    provinces: provinces.flatMap((province) => {
      const ready = readiness.get(province);
      return ready ? [{ province, provinceName: provinceName(province), open: state.national || state.provinces.includes(province), readiness: ready }] : [];
    }),
  };
}

/** The state after a switch of the whole country (no province) or of one province; closing a province while the country is open is refused (it would change nothing). */
function switched(before: LaunchState, province: string | undefined, open: boolean): LaunchState {
  if (province === undefined) return { national: open, provinces: before.provinces };
  if (!open && before.national) {
    const message = '全国已开放：请先关闭全国，再按省开放';
    throw new AppError('VALIDATION_FAILED', message, { province: message });
  }
  return { national: before.national, provinces: open ? [...before.provinces, province] : before.provinces.filter((p) => p !== province) };
}

/**
 * `admin setLaunch`: a national supervisor opens or closes the whole country (no province) or one province, in one
 * compare-and-set of the stored state, so two supervisors switching at once both take effect.
 */
export async function setLaunch(ctx: ServiceContext, caller: Caller, province: string | undefined, open: boolean): Promise<LaunchStateAnswer> {
  if (!isNationalSupervisor(caller)) throw new AppError('FORBIDDEN', '仅监管司监管人员可以开放或关闭小程序');
  const { before, after } = await switchLaunch(ctx.store, (state) => switched(state, province, open));
  const what = `${open ? '开放' : '关闭'}${province === undefined ? '全国' : provinceName(province)}`;
  await ctx.store.audit.append({ at: ctx.now, actor: caller.openid, action: 'launch.set', subject: LAUNCH_SUBJECT, detail: `${what}：${describe(before)} → ${describe(after)}` });
  return launchState(ctx, caller);
}
