import * as z from 'zod';
import type { ContractCheck } from '../port';
import { lazySchema, storedDate } from './read';

/** A held withdrawal's 已核实 as stored (migration 42; CloudBase `contractChecks`). */
export const contractCheckRow = lazySchema<ContractCheck>(() =>
  z.object({ applicationId: z.string(), at: storedDate(), staffOpenid: z.string(), centerCode: z.string(), note: z.string() }),
);
