import { handler as centers } from '../../cloudfunctions/centers';
import type { CloudFunction } from '../../cloudfunctions/_lib/runtime/define';
import { handler as session } from '../../cloudfunctions/session';

/** Every deployed function, by name, as the local host runs it (from source, sharing one store). */
export const FUNCTIONS: Readonly<Record<string, CloudFunction>> = { centers, session };
