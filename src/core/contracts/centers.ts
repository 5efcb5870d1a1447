import * as z from 'zod';
import { CodeTokenSchema } from '../certificate-code';
import { CenterCodeSchema, ItemIdSchema, SEARCH_QUERY_MAX } from '../centers';
import { textField } from '../validation';

/** The contract of function `centers`: the directory anyone may read, and the jumps to centers' halls. */
export const CentersEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('search'),
      query: textField('搜索内容', { missing: '请输入中心名称、拼音或首字母' })
        .min(1, '请输入中心名称、拼音或首字母')
        .max(SEARCH_QUERY_MAX, `搜索内容不超过 ${SEARCH_QUERY_MAX} 个字`),
    }),
    z.object({ action: z.literal('get'), code: CenterCodeSchema }),
    z.object({ action: z.literal('list') }),
    z.object({ action: z.literal('jump'), code: CenterCodeSchema, item: ItemIdSchema }),
    // the app was opened from the center's poster code (issue 15): counted per center and day, once per signed-in person without a role
    z.object({ action: z.literal('scanned'), code: CenterCodeSchema }),
    // the public check of a certificate code (issue 18 point 1): valid, invalid, expired or used, never whose
    z.object({ action: z.literal('verifyCode'), token: CodeTokenSchema }),
  ],
  { error: '不支持的操作（action 应为 search、get、list、jump、scanned 或 verifyCode）' },
);
export type CentersEvent = z.infer<typeof CentersEventSchema>;
