import * as z from 'zod';
import type { RoleGrant } from '../../../src/core/roles';
import { PROVINCES } from '../../../src/core/supervision';
import { CLOSED, type LaunchState } from '../../../src/core/trial';
import type { Store, SubmissionKey, SubmissionReads } from '../store/port';

/**
 * Where the launch state (issue 15, "Closed before launch") is kept: one meta entry, JSON, absent on a freshly
 * deployed store (closed). The runtime's gate reads it on every call of a person without a role; national
 * supervisors switch it (_lib/trial/launch.ts).
 */
export const LAUNCH_KEY = 'launch';

const ProvinceCode = z.string().refine((code) => PROVINCES.some((p) => p.code === code));
const LaunchStateSchema = z.object({ national: z.boolean(), provinces: z.array(ProvinceCode) });

/** How many times a switch reads the state again when another switch came between its read and its write. */
const SWITCH_TRIES = 5;

const parsed = (raw: string | undefined): LaunchState => (raw === undefined ? CLOSED : LaunchStateSchema.parse(JSON.parse(raw)));

/** The state as stored: its provinces once each in PROVINCES order. */
function serialized(state: LaunchState): string {
  const provinces = PROVINCES.map((p) => p.code).filter((code) => state.provinces.includes(code));
  return JSON.stringify({ national: state.national, provinces });
}

/** The stored launch state; absent is closed. */
export async function readLaunch(store: Pick<Store, 'meta'>): Promise<LaunchState> {
  return parsed(await store.meta.get(LAUNCH_KEY));
}

/**
 * The caller's roles in force and the launch state, read together in one round trip (store.reads.caller): what the
 * runtime reads before every signed-in call, so the gate needs no read of its own; with a submission's key (the
 * function's prefetch), that submission's reads too.
 */
export async function readCaller(
  store: Pick<Store, 'reads'>,
  openid: string,
  submission?: SubmissionKey,
): Promise<{ roles: RoleGrant[]; launch: LaunchState; submission?: SubmissionReads }> {
  const { roles, meta, submission: reads } = await store.reads.caller(openid, LAUNCH_KEY, submission);
  return { roles, launch: parsed(meta), ...(reads ? { submission: reads } : {}) };
}

/** Stores the launch state, its provinces once each in PROVINCES order. */
export async function writeLaunch(store: Pick<Store, 'meta'>, state: LaunchState): Promise<void> {
  await store.meta.set(LAUNCH_KEY, serialized(state));
}

/**
 * Switches the launch state to `change` of the state as read, written only if nobody switched it in between
 * (meta.compareAndSet): else read again and changed again, up to SWITCH_TRIES times, so no switch is ever lost.
 * `change` may throw to refuse the switch on the state it is given.
 */
export async function switchLaunch(store: Pick<Store, 'meta'>, change: (before: LaunchState) => LaunchState): Promise<{ before: LaunchState; after: LaunchState }> {
  for (let attempt = 1; attempt <= SWITCH_TRIES; attempt++) {
    const raw = await store.meta.get(LAUNCH_KEY);
    const before = parsed(raw);
    const after = change(before);
    if (await store.meta.compareAndSet(LAUNCH_KEY, raw, serialized(after))) return { before, after };
  }
  throw new Error(`launch state: switched by others ${SWITCH_TRIES} times in a row`);
}
