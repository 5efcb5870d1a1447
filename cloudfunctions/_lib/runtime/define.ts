import type { z } from 'zod';
import { AppError, fail, ok, type Result } from '../../../src/core/errors';
import type { RoleGrant } from '../../../src/core/roles';
import { parseInput } from '../../../src/core/validation';
import type { Keyring } from '../crypto/personal-data';
import type { AddressChecks, OutboundClient } from '../delivery/http';
import type { FileStore } from '../files/port';
import type { Logger } from '../log';
import type { Store } from '../store/port';
import type { WechatApi } from '../wechat';

/** Who called: the openid comes from the platform (WeChat via CloudBase, or the local host), never from the event. */
export interface Caller {
  openid: string;
  roles: RoleGrant[];
}

/** What the functions need from the outside world besides the store; each is made on first use. */
export interface Outside {
  wechat(): WechatApi;
  keyring(): Keyring;
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

export interface FunctionContext {
  caller: Caller | undefined;
  trigger: Trigger;
  store: Store;
  log: Logger;
  now(): Date;
  outside: Outside;
}

/** What a service runs with: the function context at the invocation's fixed time (`{ ...ctx, now: ctx.now() }`). */
export type ServiceContext = Pick<FunctionContext, 'store' | 'outside' | 'log'> & { now: Date };

export interface CloudFunction {
  readonly name: string;
  /** The contract its events are parsed with (tests enumerate its actions from it). */
  readonly schema: z.ZodType;
  handle(event: unknown, ctx: FunctionContext): Promise<Result<unknown>>;
}

/**
 * Declares a function: the event is parsed with its contract schema (a bad event answers
 * VALIDATION_FAILED naming the fields and runs nothing), then `run` does the work through services.
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
      try {
        return ok(await run(parsed.data, ctx));
      } catch (error) {
        if (error instanceof AppError) return fail(error.code, error.message, error.fields);
        ctx.log.error({ err: error, fn: name }, 'function failed');
        return fail('INTERNAL', '系统繁忙，请稍后再试');
      }
    },
  };
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
