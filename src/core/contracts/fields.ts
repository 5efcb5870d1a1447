import * as z from 'zod';
import { APPLICATION_ID_PATTERN } from '../applications/payloads';
import { textField } from '../validation';

/** Fields several functions' events share. */
export const ApplicationIdSchema = z.string({ error: '缺少申请编号' }).regex(APPLICATION_ID_PATTERN, '申请编号格式不正确');

export const REASON_MAX = 200;
/** A reason or note staff or supervisors write: 2 to REASON_MAX characters, lines allowed. */
export const reasonField = (label: string) => textField(label, { multiline: true }).min(2, `请填写${label}`).max(REASON_MAX, `${label}不超过 ${REASON_MAX} 个字`);
