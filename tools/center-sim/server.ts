import Fastify from 'fastify';
import { CallbackRunner, DEFAULT_SCRIPTS, resolveScript, scriptKey, type Script } from './callbacks';
import { registerControl } from './control';
import { Pending, registerDeliveries, type ReceivedDelivery } from './deliveries';
import { Faults, type Fault } from './faults';
import { HALL_PATH_PATTERN, registerHall, type HallVisit } from './hall';
import { selfSignedTls, type Tls } from './tls';

export type { Script, ScriptStep, SentCallback } from './callbacks';
export type { ReceivedDelivery } from './deliveries';
export type { Fault, FaultMode } from './faults';

/**
 * A reference city-center server on loopback HTTPS: each center's online hall (where a fully-online jump
 * lands) and the center side of the center interface (docs/center-api.md): it verifies and records the
 * platform's deliveries (the accepting center's copy and completion notice of a certificate too), calls back
 * with a script of statuses chosen by application type and the center's role in it (a generated PDF
 * certificate or a payment when asked), and lets tests inject faults.
 */
export interface CenterSim {
  /** https://localhost:<port> */
  origin: string;
  tls: Tls;
  /** Hall page requests received, newest last: what a test or a person can check. */
  visits: HallVisit[];
  /** Every attempt at a delivery endpoint, oldest first, with the callbacks each accepted one led to. */
  received: ReceivedDelivery[];
  /** https://localhost:<port>/centers/<code>/applications */
  endpointFor(code: string): string;
  /** Applies to the next delivery attempts (all, or `times` of them) until cleared. */
  setFault(fault: Fault): void;
  clearFault(): void;
  /**
   * What a center does after accepting an application of this type, from now on: when it plays `role` in it
   * (`purchase`, `deposit`, ...), or whatever its role when none is given.
   */
  setScript(applicationType: string, script: Script, role?: string): void;
  /** false: every delivery's signature is taken unchecked (a center that does not verify, for the conformance suite). */
  setVerifySignatures(verify: boolean): void;
  /**
   * true: the center takes the applications delivered to it from now on (200) and never answers them (no callback),
   * as a center that does not accept a case in time (the trial's test applications); false: it answers again.
   */
  setUnanswered(code: string, unanswered: boolean): void;
  /**
   * true: the hall page at `path` (with its query, as requested: `/hall/321000/1`) answers 503 from now on, as a
   * center's broken link; false: it opens again. Also POST /_control/hall.
   */
  setHallDown(path: string, down: boolean): void;
  /** Back to the script given at start (or the default): for one role of a type, every role of a type, or, without a type, everything. */
  resetScript(applicationType?: string, role?: string): void;
  /** Stops the server, pending callbacks and hanging answers. */
  close(): Promise<void>;
}

export interface CenterSimOptions {
  port?: number;
  /** Default 127.0.0.1: the control endpoints have no authentication. */
  host?: string;
  centerName?: (code: string) => string | undefined;
  /** Each center's whsec_ secret; a center without one answers 404 (default: no centers). */
  secretFor?: (code: string) => string | undefined;
  /**
   * Where callbacks go: `${platformOrigin}/callbacks/<code>`. Without it the simulator uses the delivery's
   * own `callbackUrl`, as a real center would.
   */
  platformOrigin?: string;
  /** Wait before each callback (and before retrying one); default 1000. */
  callbackDelayMs?: number;
  /** Retries of a callback the platform did not take (network error, 5xx, 429); default 2. */
  callbackRetries?: number;
  /**
   * Per application type, or per `type/role` (`purchase-withdrawal/deposit`). Default for transfer: 01, 02, 08,
   * 00; certificates: accepted, processing, completed with a generated PDF; a purchase withdrawal at the
   * purchase-locale center: accepted, verified, at the deposit-locale center: processing, completed paying
   * `form.amount` today; service requests: accepted, processing, completed. An empty script sends nothing.
   */
  script?: Readonly<Record<string, Script>>;
  /**
   * Default true. false: the endpoint takes any signature and any timestamp (recording `verified: false`), as a
   * center that does not verify would; the conformance suite must then fail. Also POST /_control/signatures.
   */
  verifySignatures?: boolean;
  /**
   * Unset (the default): a delivery's attachments are fetched first, and its case goes on once every one is whole.
   * Set: the case goes on at once (its first callback goes out) and the attachments are fetched this many ms later,
   * as a center that downloads from a worker after calling back.
   */
  fetchAfterCallbacksMs?: number;
}

export async function startCenterSim(options: CenterSimOptions = {}): Promise<CenterSim> {
  const platformOrigin = options.platformOrigin && new URL(options.platformOrigin).origin;
  const tls = await selfSignedTls();
  const app = Fastify({ https: { key: tls.key, cert: tls.cert }, forceCloseConnections: true });
  const visits: HallVisit[] = [];
  const received: ReceivedDelivery[] = [];
  const faults = new Faults();
  const pending = new Pending();
  const runner = new CallbackRunner({ delayMs: options.callbackDelayMs ?? 1000, retries: options.callbackRetries ?? 2 });
  const signatures = { verify: options.verifySignatures ?? true };
  const setVerifySignatures = (verify: boolean) => void (signatures.verify = verify);
  const unanswered = new Set<string>();
  const setUnanswered = (code: string, on: boolean) => void (on ? unanswered.add(code) : unanswered.delete(code));
  const hallDown = new Set<string>();
  const setHallDown = (path: string, down: boolean) => {
    if (!HALL_PATH_PATTERN.test(path)) throw new Error(`not a hall address: ${path}`);
    void (down ? hallDown.add(path) : hallDown.delete(path));
  };
  const overrides = new Map<string, Script>();
  const scripts = [overrides, new Map(Object.entries(options.script ?? {})), new Map(Object.entries(DEFAULT_SCRIPTS))];
  const setScript = (type: string, script: Script, role?: string) => void overrides.set(scriptKey(type, role), [...script]);
  const resetScript = (type?: string, role?: string) => {
    // without a role: the type's own script and those of each of its roles (`type/role`)
    const reset = (key: string) => type === undefined || (role === undefined ? key === type || key.startsWith(`${type}/`) : key === scriptKey(type, role));
    for (const key of [...overrides.keys()]) if (reset(key)) overrides.delete(key);
  };

  registerHall(app, visits, hallDown, options.centerName);
  registerControl(app, { received, faults, setScript, resetScript, verifySignatures: () => signatures.verify, setVerifySignatures, setUnanswered, setHallDown });
  await registerDeliveries(app, {
    received,
    faults,
    runner,
    pending,
    secretFor: (code) => options.secretFor?.(code),
    verifySignatures: () => signatures.verify,
    scriptFor: (type, role) => resolveScript(scripts, type, role),
    answers: (code) => !unanswered.has(code),
    fetchAfterCallbacksMs: options.fetchAfterCallbacksMs,
    callbackUrlFor: (code, fromDelivery) =>
      platformOrigin ? `${platformOrigin}/callbacks/${code}` : typeof fromDelivery === 'string' && /^https?:\/\//.test(fromDelivery) ? fromDelivery : undefined,
  });

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const origin = `https://localhost:${new URL(address).port}`;
  return {
    origin,
    tls,
    visits,
    received,
    endpointFor: (code) => `${origin}/centers/${code}/applications`,
    setFault: (fault) => faults.set(fault),
    clearFault: () => faults.clear(),
    setScript,
    resetScript,
    setVerifySignatures,
    setUnanswered,
    setHallDown,
    async close() {
      runner.stopAll();
      pending.closeAll();
      await app.close();
    },
  };
}
