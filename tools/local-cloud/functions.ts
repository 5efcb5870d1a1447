import { handler as centers } from '../../cloudfunctions/centers';
import type { CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import { handler as identity } from '../../cloudfunctions/identity';
import { handler as session } from '../../cloudfunctions/session';
import type { FunctionName } from '../../src/services/cloud';

/** Every deployed function, by name, as the local host runs it (from source, sharing one store). */
export const FUNCTIONS: Readonly<Record<FunctionName, CloudFunction>> = { centers, identity, session };
