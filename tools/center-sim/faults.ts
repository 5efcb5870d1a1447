/**
 * Faults a test injects into the simulator's delivery endpoint, so the platform's retries, back-off,
 * timeouts and endpoint disabling can be seen working against a real HTTPS server.
 */
export const FAULT_MODES = ['500', '410', '429', '503', 'hang', 'slow'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface Fault {
  /**
   * '500' | '410': answer that status. '429' | '503': answer it with Retry-After. 'hang': never answer (the
   * connection stays open until the caller gives up). 'slow': wait `delayMs`, then handle the delivery as usual.
   */
  mode: FaultMode;
  /** How many delivery attempts the fault applies to; unlimited until cleared when absent. */
  times?: number;
  /** For 'slow'; default 3000. */
  delayMs?: number;
  /** Retry-After seconds for '429' and '503'; default 1; `null` sends no Retry-After header. */
  retryAfterSeconds?: number | null;
}

export const DEFAULT_SLOW_MS = 3000;
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Why a fault (from a test or a JSON body) is not acceptable, or undefined. */
export function faultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'fault must be an object';
  const f = value as Record<string, unknown>;
  if (!FAULT_MODES.includes(f.mode as FaultMode)) return `mode must be one of ${FAULT_MODES.join(', ')}`;
  const count = (v: unknown, min: number) => v === undefined || (Number.isInteger(v) && (v as number) >= min);
  if (!count(f.times, 1)) return 'times must be a positive integer';
  if (!count(f.delayMs, 0)) return 'delayMs must be a non-negative integer';
  if (f.retryAfterSeconds !== null && !count(f.retryAfterSeconds, 0)) return 'retryAfterSeconds must be a non-negative integer or null';
  return undefined;
}

/** The fault in force, with what is left of its `times`. */
export class Faults {
  private current: { fault: Fault; left: number } | null = null;

  set(fault: Fault): void {
    const problem = faultProblem(fault);
    if (problem) throw new TypeError(`bad fault: ${problem}`);
    this.current = { fault: { ...fault }, left: fault.times ?? Infinity };
  }

  clear(): void {
    this.current = null;
  }

  /** The fault and the attempts it still applies to (null when unlimited), for GET /_control/fault. */
  peek(): { fault: Fault; left: number | null } | null {
    return this.current && { fault: this.current.fault, left: Number.isFinite(this.current.left) ? this.current.left : null };
  }

  /** The fault for one delivery attempt, consuming one of its `times`. */
  take(): Fault | null {
    if (!this.current) return null;
    const { fault } = this.current;
    this.current.left -= 1;
    if (this.current.left <= 0) this.current = null;
    return fault;
  }
}
