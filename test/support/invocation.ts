import { randomUUID } from 'node:crypto';

/**
 * A CloudBase invocation context as SCF hands it to `index.main(event, context)`: the platform's variables for
 * this invocation (WX_OPENID, TRIGGER_SRC, ...) in `environment`, a JSON string; called by the platform
 * (`TRIGGER_SRC=tcb`) unless `environment` says otherwise.
 */
export function scfContext(environment: Record<string, string>) {
  return {
    request_id: `req-${randomUUID()}`,
    function_name: 'fn',
    function_version: '$LATEST',
    namespace: 'env-test',
    memory_limit_in_mb: 256,
    time_limit_in_ms: 90_000,
    environment: JSON.stringify({ TCB_ENV: 'env-test', SCF_NAMESPACE: 'env-test', TRIGGER_SRC: 'tcb', ...environment }),
  };
}
