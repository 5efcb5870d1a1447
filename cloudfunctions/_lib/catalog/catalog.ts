import * as z from 'zod';
import { CenterSchema, type Center } from '../../../src/core/centers';
import catalog from './centers.json';

let parsed: readonly Center[] | undefined;

/** The national catalog of housing-fund centers (centers.json, made by `npm run catalog`), read through CenterSchema on first use. */
export const catalogCenters = (): readonly Center[] => (parsed ??= z.array(CenterSchema).parse(catalog));
