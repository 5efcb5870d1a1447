/**
 * Polls `probe` until it answers something other than undefined, or fails naming what it waited for, the
 * last error, and (when given) what `state` shows at the end.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500, state?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = state ? `\nlast seen: ${JSON.stringify(await state().catch(String))}` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${seen}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
