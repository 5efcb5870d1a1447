import { handler as admin } from '../../cloudfunctions/admin';
import { handler as applications } from '../../cloudfunctions/applications';
import { handler as centers } from '../../cloudfunctions/centers';
import { handler as centersDaily } from '../../cloudfunctions/centers-daily';
import type { CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as portal } from '../../cloudfunctions/portal';
import { handler as relay } from '../../cloudfunctions/relay';
import { handler as session } from '../../cloudfunctions/session';
import { handler as supervise } from '../../cloudfunctions/supervise';
import { handler as trial } from '../../cloudfunctions/trial';
import { handler as workbench } from '../../cloudfunctions/workbench';
import type { FunctionName } from '../../src/services/cloud';

/**
 * Every deployed function called with an event, by name, as the local host runs it (from source, sharing
 * one store): those the mini-program calls, and those timers fire (the relay, the centers' daily run). The
 * HTTP-triggered `callbacks` function has its own route.
 */
export const FUNCTIONS: Readonly<Record<FunctionName | 'relay' | 'centers-daily', CloudFunction>> = {
  centers,
  identity,
  session,
  applications,
  workbench,
  admin,
  portal,
  supervise,
  trial,
  relay,
  'centers-daily': centersDaily,
};
