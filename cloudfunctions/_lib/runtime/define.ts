import type { z } from 'zod';
import { AppError, fail, ok, type Result } from '../../../src/core/errors';
import type { RoleGrant } from '../../../src/core/roles';
import { provinceOfCenter } from '../../../src/core/supervision';
import { shanghaiDate } from '../../../src/core/time';
import { isAnyOpen, isOpenFor, NOT_LAUNCHED_MESSAGE, PROVINCE_NOT_LAUNCHED_MESSAGE, type LaunchState } from '../../../src/core/trial';
import { parseInput } from '../../../src/core/validation';
import type { CodeKey, CodePublicKey } from '../crypto/code-signing';
import type { Keyring } from '../crypto/personal-data';
import type { AddressChecks, OutboundClient } from '../delivery/http';
import type { FileStore } from '../files/port';
import type { Logger } from '../log';
import type { Store, SubmissionKey, SubmissionReads } from '../store/port';
import type { WechatApi } from '../wechat';
import { readCaller, readLaunch } from './launch-state';

/** Who called: the openid comes from the platform (WeChat via CloudBase, or the local host), never from the event. */
export interface Caller {
  openid: string;
  roles: RoleGrant[];
}

/** What the functions need from the outside world besides the store; each is made on first use. */
export interface Outside {
  wechat(): WechatApi;
  keyring(): Keyring;
  /** The certificate code's Ed25519 private key (CODE_SIGNING_KEY): signs codes (`applications` alone). */
  codeKey(): CodeKey;
  /** Its public half (CODE_PUBLIC_KEY): checks codes and is published. */
  codePublicKey(): CodePublicKey;
  /** How many days a verified identity lasts (IDENTITY_VALID_DAYS, default 30). */
  identityValidDays: number;
  /** HTTPS to centers, SSRF-guarded (_lib/delivery/http.ts). */
  outbound(): OutboundClient;
  /** Result documents' storage. */
  files(): FileStore;
  /** Asks the relay to run soon (after a submission or a withdrawal). */
  nudgeRelay(): void;
  /** The platform's public origin; centers call back at `${callbackBase()}/callbacks/<centerCode>`. */
  callbackBase(): string;
  /** How long a relay holds a claimed delivery before another may take it (longer than one attempt). */
  relayLeaseMs: number;
  /** The subscribe-message template for status changes, when configured. */
  statusTemplateId: string | undefined;
  /**
   * How centers' addresses are checked and probed (URL rules, health checks): the system resolver and no
   * exemptions unless given. The local host and tests exempt their loopback servers here (allow, allowCa),
   * as DEV_ALLOW_ENDPOINTS does for deliveries; tests give their own name resolution (lookup).
   */
  urlChecks?: AddressChecks;
}

/**
 * How an invocation started, as the platform says (never the event): `timer` a timer trigger (CloudBase's
 * TRIGGER_SRC in the invocation context; the local host's scheduler), `internal` another function's nudge
 * that proved itself with INTERNAL_NUDGE_SECRET (or the local host's own in-process runner), `call` anything else.
 */
export type Trigger = 'timer' | 'call' | 'internal';

/** A submission's reads the runtime made with the caller's (CloudFunction.prefetch): for that person and key only. */
export interface Prefetched {
  openid: string;
  key: SubmissionKey;
  reads: SubmissionReads;
}

export interface FunctionContext {
  caller: Caller | undefined;
  /** The launch state, when the runtime read it with the caller's roles (readCaller); absent, the launch gate reads it. */
  launch?: LaunchState;
  /** What the runtime read ahead for the event with the caller's roles, when the function named it (prefetch). */
  prefetched?: Prefetched;
  trigger: Trigger;
  store: Store;
  log: Logger;
  now(): Date;
  outside: Outside;
}

/** What a service runs with: the function context at the invocation's fixed time (atCallTime). */
export type ServiceContext = Pick<FunctionContext, 'store' | 'outside' | 'log' | 'prefetched'> & { now: Date };

/** The function context with `now` read once, when the invocation starts: every service of one call sees the same time. */
export function atCallTime(ctx: FunctionContext): ServiceContext {
  return { store: ctx.store, outside: ctx.outside, log: ctx.log, now: ctx.now(), ...(ctx.prefetched ? { prefetched: ctx.prefetched } : {}) };
}

export interface CloudFunction {
  readonly name: string;
  /** The contract its events are parsed with (tests enumerate its actions from it). */
  readonly schema: z.ZodType;
  /**
   * The submission an event will read first, if any: the runtime reads it with the caller's roles, in one round trip
   * (issue 16, point 9), and gives it to the call as `prefetched`. A bad event names none (the call refuses it).
   */
  prefetch?(event: unknown, outside: Outside, now: Date): SubmissionKey | undefined;
  handle(event: unknown, ctx: FunctionContext): Promise<Result<unknown>>;
}

/**
 * What a host reads for an invocation before the function runs: the caller's roles and the launch state in one round
 * trip, with what the event will read first when the function names it (prefetch); nothing without a caller.
 */
export async function callerOf(
  store: Store,
  openid: string | undefined,
  outside: Outside,
  now: Date,
  fn?: CloudFunction,
  event?: unknown,
): Promise<Pick<FunctionContext, 'caller' | 'launch' | 'prefetched'>> {
  if (!openid) return { caller: undefined };
  const key = fn?.prefetch?.(event, outside, now);
  const read = await readCaller(store, openid, key);
  return { caller: { openid, roles: read.roles }, launch: read.launch, ...(key && read.submission ? { prefetched: { openid, key, reads: read.submission } } : {}) };
}

/** Runs the work of one invocation: an AppError answers its code, anything else INTERNAL (logged). */
async function answered(name: string, ctx: FunctionContext, work: () => Promise<unknown>): Promise<Result<unknown>> {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof AppError) return fail(error.code, error.message, error.fields);
    ctx.log.error({ err: error, fn: name }, 'function failed');
    return fail('INTERNAL', '系统繁忙，请稍后再试');
  }
}

/**
 * Declares a function: the event is parsed with its contract schema (a bad event answers
 * VALIDATION_FAILED naming the fields and runs nothing), then `run` does the work through services.
 * Functions whose events name an action use defineActions.
 */
export function defineFunction<S extends z.ZodType>(
  name: string,
  schema: S,
  run: (event: z.output<S>, ctx: FunctionContext) => Promise<unknown>,
): CloudFunction {
  return {
    name,
    schema,
    async handle(event, ctx) {
      const parsed = parseInput(schema, event);
      if (!parsed.ok) return parsed;
      return answered(name, ctx, () => run(parsed.data, ctx));
    },
  };
}

/** What an action of a signed-in function runs with: the services' context at the call's time and the caller. */
export type ActionContext = ServiceContext & { caller: Caller };

type ActionEvent = { action: string };
/** The submission a parsed event of the caller's will read first (CloudFunction.prefetch), if any. */
export type Prefetch<E extends ActionEvent> = (event: E, outside: Outside) => SubmissionKey | undefined;
/** One service call per action, each given its own event (narrowed by the contract's parse). */
export type ActionTable<E extends ActionEvent, C> = { [A in E['action']]: (event: E & { action: A }, ctx: C) => Promise<unknown> };
/**
 * A contract, or one checked as of the invocation's time: a check that depends on today's date in China
 * (shanghaiDate), never on the time of day, so it is built once a day and kept (building a zod schema costs
 * more than parsing an event with it).
 */
export type Contract<S extends z.ZodType<ActionEvent>> = S | ((now: Date) => S);

function runAction<E extends ActionEvent, A extends E['action'], C>(actions: ActionTable<E, C>, action: A, event: E & { action: A }, ctx: C): Promise<unknown> {
  return actions[action](event, ctx);
}

/**
 * How a function's actions meet the launch gate (issue 15, "Closed before launch"). Before launch a person holding no
 * role is answered NOT_LAUNCHED and nothing runs (nothing is read but the launch state); people with a role pass.
 * In a staged opening an event that names a center is allowed for the centers of open provinces only, one that
 * names none as soon as any province is open.
 */
export interface LaunchGate<E extends ActionEvent> {
  /** Actions anyone may call however closed (how people get a role: `trial join`, `portal joinCenter`; `session whoami`). */
  readonly exempt?: readonly E['action'][];
  /** The center an event names, if any. */
  readonly centerOf?: (event: E) => string | undefined;
}

/** Which centers the caller may use now: every one for people with a role and once the nation is open. */
export interface Access {
  openTo(centerCode: string): boolean;
}
const EVERYWHERE: Access = { openTo: () => true };

/** The caller's access under the launch state, or NOT_LAUNCHED (the province's message for a center of a closed province in a staged opening). */
async function launchAccess<E extends ActionEvent>(gate: LaunchGate<E>, event: E, caller: Caller | undefined, ctx: Pick<FunctionContext, 'store' | 'launch'>): Promise<Access> {
  if ((caller && caller.roles.length > 0) || gate.exempt?.includes(event.action)) return EVERYWHERE;
  const state = ctx.launch ?? (await readLaunch(ctx.store));
  if (state.national) return EVERYWHERE;
  if (!isAnyOpen(state)) throw new AppError('NOT_LAUNCHED', NOT_LAUNCHED_MESSAGE);
  const centerCode = gate.centerOf?.(event);
  // `fields` names the refused center: the app tells this refusal from the national one by it, not by the words
  if (centerCode !== undefined && !isOpenFor(state, provinceOfCenter(centerCode))) {
    throw new AppError('NOT_LAUNCHED', PROVINCE_NOT_LAUNCHED_MESSAGE, { centerCode: PROVINCE_NOT_LAUNCHED_MESSAGE });
  }
  return { openTo: (code) => isOpenFor(state, provinceOfCenter(code)) };
}

function actionsFunction<S extends z.ZodType<ActionEvent>, W extends Caller | undefined, C>(
  name: string,
  contract: Contract<S>,
  actions: ActionTable<z.output<S>, C>,
  gate: LaunchGate<z.output<S>>,
  who: (ctx: FunctionContext) => W,
  contextOf: (service: ServiceContext, caller: W, access: Access) => C,
  prefetch?: Prefetch<z.output<S>>,
): CloudFunction {
  let built: { day: string; schema: S } | undefined;
  const schemaAt = (now: Date): S => {
    if (typeof contract !== 'function') return contract;
    const day = shanghaiDate(now);
    if (built?.day !== day) built = { day, schema: contract(now) };
    return built.schema;
  };
  return {
    name,
    get schema() {
      return schemaAt(new Date());
    },
    ...(prefetch
      ? {
          prefetch(event: unknown, outside: Outside, now: Date) {
            const parsed = parseInput(schemaAt(now), event);
            try {
              return parsed.ok ? prefetch(parsed.data, outside) : undefined;
            } catch {
              // nothing read ahead (a key missing from the environment, say): the call itself meets it and answers
              return undefined;
            }
          },
        }
      : {}),
    async handle(event, ctx) {
      const service = atCallTime(ctx);
      const parsed = parseInput(schemaAt(service.now), event);
      if (!parsed.ok) return parsed;
      const data = parsed.data;
      return answered(name, ctx, async () => {
        // who calls is asked before the gate: a signed-in function answers UNAUTHENTICATED without a caller
        const caller = who(ctx);
        const access = await launchAccess(gate, data, caller, ctx);
        return runAction(actions, data.action, data, contextOf(service, caller, access));
      });
    },
  };
}

/**
 * Declares a function whose events name an action: its contract (parsed as of the call's own time) and a
 * table of actions, each calling its service. A bad event answers VALIDATION_FAILED and runs nothing; then
 * the caller is required (UNAUTHENTICATED without one), then the launch gate lets them in or answers NOT_LAUNCHED.
 */
export function defineActions<S extends z.ZodType<ActionEvent>>(
  name: string,
  contract: Contract<S>,
  actions: ActionTable<z.output<S>, ActionContext>,
  gate: LaunchGate<z.output<S>> = {},
  prefetch?: Prefetch<z.output<S>>,
): CloudFunction {
  return actionsFunction(name, contract, actions, gate, requireCaller, (service, caller) => ({ ...service, caller }), prefetch);
}

/**
 * What an action of a function anyone may call runs with: besides the service context, which centers the caller may
 * use (the directory lists only those), and the caller when signed in (a poster scan counts once per person and day).
 */
export type OpenActionContext = ServiceContext & Access & { caller: Caller | undefined };

/** defineActions for a function anyone may call, signed in or not (the center directory). */
export function defineOpenActions<S extends z.ZodType<ActionEvent>>(
  name: string,
  contract: Contract<S>,
  actions: ActionTable<z.output<S>, OpenActionContext>,
  gate: LaunchGate<z.output<S>> = {},
): CloudFunction {
  return actionsFunction(name, contract, actions, gate, (ctx) => ctx.caller, (service, caller, access) => ({ ...service, caller, openTo: access.openTo }));
}

/** The caller, or an UNAUTHENTICATED failure for actions that need one. */
export function requireCaller(ctx: FunctionContext): Caller {
  if (!ctx.caller) throw new AppError('UNAUTHENTICATED', '请在微信中打开并登录后再试');
  return ctx.caller;
}

/** The center a staff caller acts for, or FORBIDDEN naming what only staff may do. */
export function requireStaffCenter(caller: Caller, what: string): string {
  const grant = caller.roles.find((r) => r.role === 'center-staff');
  if (!grant || grant.role !== 'center-staff') throw new AppError('FORBIDDEN', `仅中心工作人员可以${what}`);
  return grant.centerCode;
}

/** For functions that only their timer runs (centers-daily): FORBIDDEN for any call and any nudge. */
export function requireTimer(ctx: FunctionContext, who: string): void {
  if (ctx.trigger !== 'timer') throw new AppError('FORBIDDEN', `这个云函数只由${who}调用`);
}

/** For functions that only their timer and the platform itself run (relay, nudged by the functions that fill the outbox): FORBIDDEN for any call. */
export function requireTimerOrInternal(ctx: FunctionContext, who: string): void {
  if (ctx.trigger !== 'timer' && ctx.trigger !== 'internal') throw new AppError('FORBIDDEN', `这个云函数只由${who}调用`);
}

/** A supervisor caller, or FORBIDDEN. */
export function requireSupervisor(caller: Caller): void {
  if (!caller.roles.some((r) => r.role === 'supervisor')) throw new AppError('FORBIDDEN', '仅监管人员可以进行此操作');
}
