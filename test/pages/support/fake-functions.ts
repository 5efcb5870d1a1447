/**
 * Functions answered by the test instead of the local host (as `answerWith` in calls.ts changes one answer): for pages
 * whose server side is not there, or a state the shared host cannot easily reach. Every other call goes to the host.
 */
import type { Result } from '../../../src/core/errors';

export interface FakeCall {
  fn: string;
  event: Record<string, unknown>;
}

/** A function's answer to an event, or undefined to let the local host answer it. */
export type FakeAnswer = (fn: string, event: Record<string, unknown>) => Result<unknown> | undefined;

/** Answers the calls `answer` knows; answers the calls it answered, in order. */
export function fakeFunctions(answer: FakeAnswer): FakeCall[] {
  const realFetch = globalThis.fetch;
  const calls: FakeCall[] = [];
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const fn = /\/api\/([a-z-]+)$/.exec(String(input))?.[1];
    if (fn === undefined) return realFetch(input, init);
    const event = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    const answered = answer(fn, event);
    if (answered === undefined) return realFetch(input, init);
    calls.push({ fn, event });
    return new Response(JSON.stringify(answered), { headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

/** The events of one action sent to a function among the faked calls. */
export const eventsOf = (calls: readonly FakeCall[], fn: string, action: string) => calls.filter((c) => c.fn === fn && c.event.action === action).map((c) => c.event);

