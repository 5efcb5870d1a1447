import * as z from 'zod';
import { AppError } from '../../src/core/errors';
import { callerOf, defineActions, defineOpenActions, type FunctionContext } from '../../cloudfunctions/_lib/runtime/define';
import type { Store } from '../../cloudfunctions/_lib/store/port';
import { openPgliteStore } from '../../cloudfunctions/_lib/store/sql/pglite';
import { contextFor, launched, testOutside } from '../support/function-context';

/** defineActions: a handler is its contract and a table of actions → services, run at one fixed time per call. */
const WhenSchema = z.discriminatedUnion('action', [z.object({ action: z.literal('when') }), z.object({ action: z.literal('echo'), text: z.string({ error: '请填写内容' }) })], {
  error: '不支持的操作',
});

let store: Store;
beforeAll(async () => {
  store = await launched(await openPgliteStore(undefined));
});
afterAll(() => store.close());

/** A context whose clock moves a second on every reading, counting the readings. */
function movingClock(caller = { openid: 'o-define', roles: [] }): { ctx: FunctionContext; readings: () => number } {
  let readings = 0;
  const ctx = { ...contextFor(store, caller), now: () => new Date(Date.UTC(2026, 10, 20, 2) + ++readings * 1000) };
  return { ctx, readings: () => readings };
}

describe('defineActions', () => {
  it('reads the time once per invocation: the contract is built and the action runs as of that one time', async () => {
    const built: Date[] = [];
    const fn = defineActions(
      'probe',
      (now: Date) => {
        built.push(now);
        return WhenSchema;
      },
      { when: async (_event, ctx) => [ctx.now, ctx.now], echo: async (event) => event.text },
    );
    const { ctx, readings } = movingClock();
    const answer = await fn.handle({ action: 'when' }, ctx);
    expect(readings()).toBe(1);
    expect(answer).toEqual({ ok: true, data: [built[0], built[0]] });
  });

  it('builds a contract of the call time once a day in China, and anew when the day changes at midnight there', async () => {
    const built: string[] = [];
    // a check of "today" as the contracts make them: an echo of a date after the call's day is refused
    const fn = defineActions(
      'probe',
      (now: Date) => {
        const today = now.toISOString() < '2026-11-20T16:00:00.000Z' ? '2026-11-20' : '2026-11-21';
        built.push(today);
        return z.discriminatedUnion('action', [z.object({ action: z.literal('when') }), z.object({ action: z.literal('echo'), text: z.string().refine((d) => d <= today, '不能晚于今天') })]);
      },
      { when: async (_event, ctx) => ctx.now.toISOString(), echo: async (event) => event.text },
    );
    const at = (iso: string) => contextFor(store, { openid: 'o-define', roles: [] }, new Date(iso));
    for (const iso of ['2026-11-20T08:00:00+08:00', '2026-11-20T12:00:00+08:00', '2026-11-20T23:59:59+08:00']) {
      expect(await fn.handle({ action: 'echo', text: '2026-11-21' }, at(iso))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    }
    expect(built).toEqual(['2026-11-20']);
    expect(await fn.handle({ action: 'echo', text: '2026-11-21' }, at('2026-11-21T00:00:00+08:00'))).toEqual({ ok: true, data: '2026-11-21' });
    expect(built).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('runs the action the event names with the event as its contract parsed it, and the caller', async () => {
    const fn = defineActions('probe', WhenSchema, { when: async (_event, ctx) => ctx.caller.openid, echo: async (event, ctx) => `${ctx.caller.openid}:${event.text}` });
    expect(await fn.handle({ action: 'echo', text: '你好', extra: 1 }, movingClock().ctx)).toEqual({ ok: true, data: 'o-define:你好' });
    expect(await fn.handle({ action: 'when' }, movingClock().ctx)).toEqual({ ok: true, data: 'o-define' });
  });

  it('parses the event before asking who calls: a bad event is VALIDATION_FAILED for anyone, a good one UNAUTHENTICATED without a caller', async () => {
    let ran = 0;
    const fn = defineActions('probe', WhenSchema, { when: async () => ++ran, echo: async () => ++ran });
    const anonymous = contextFor(store, undefined);
    expect(await fn.handle({ action: 'echo' }, anonymous)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { text: '请填写内容' } });
    expect(await fn.handle({ action: 'when' }, anonymous)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(ran).toBe(0);
  });

  it('lets anyone call a function declared open (the center directory)', async () => {
    const fn = defineOpenActions('probe', WhenSchema, { when: async (_event, ctx) => ctx.now.toISOString(), echo: async (event) => event.text });
    expect(await fn.handle({ action: 'when' }, contextFor(store, undefined, new Date('2026-11-20T10:00:00+08:00')))).toEqual({ ok: true, data: '2026-11-20T02:00:00.000Z' });
  });

  it('answers a refusal with its code and anything else INTERNAL, without the error’s words', async () => {
    const fn = defineActions('probe', WhenSchema, {
      when: async () => {
        throw new Error('connection reset by peer');
      },
      echo: async () => {
        throw new AppError('FORBIDDEN', '仅监管人员可以进行此操作');
      },
    });
    expect(await fn.handle({ action: 'when' }, movingClock().ctx)).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' });
    expect(await fn.handle({ action: 'echo', text: '甲' }, movingClock().ctx)).toEqual({ ok: false, code: 'FORBIDDEN', message: '仅监管人员可以进行此操作' });
  });
});

describe('reading ahead with the caller (prefetch)', () => {
  const key = { centerCodes: ['321000'], requestId: 'req-prefetch-1', contractLookup: undefined };
  const echo = (prefetch: () => typeof key) =>
    defineActions('probe', WhenSchema, { when: async () => 'when', echo: async (event) => event.text }, {}, (event) => (event.action === 'echo' ? prefetch() : undefined));

  it('reads what the event names together with the caller, and nothing for an event its contract refuses', async () => {
    const fn = echo(() => key);
    const read = await callerOf(store, 'o-prefetch', testOutside(), new Date(), fn, { action: 'echo', text: '甲' });
    expect(read).toMatchObject({ caller: { openid: 'o-prefetch', roles: [] }, prefetched: { openid: 'o-prefetch', key, reads: { identity: undefined, sameRequest: undefined } } });
    expect(await callerOf(store, 'o-prefetch', testOutside(), new Date(), fn, { action: 'echo' })).not.toHaveProperty('prefetched');
  });

  it('reads nothing ahead when naming the read fails, and the call still runs', async () => {
    const fn = echo(() => {
      throw new Error('PII_KEYS missing');
    });
    const read = await callerOf(store, 'o-prefetch', testOutside(), new Date(), fn, { action: 'echo', text: '乙' });
    expect(read).toEqual({ caller: { openid: 'o-prefetch', roles: [] }, launch: expect.anything() });
    expect(await fn.handle({ action: 'echo', text: '乙' }, { ...contextFor(store, read.caller), ...read })).toEqual({ ok: true, data: '乙' });
  });
});
