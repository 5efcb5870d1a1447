import * as z from 'zod';
import { ITEM_IDS, type ItemId } from './items';
import { isPlainText, textField, unsafeTextMessage } from './validation';

export const CENTER_CODE_MESSAGE = '中心代码应为 6 位数字';
export const CenterCodeSchema = z
  .string({ error: '请提供中心代码' })
  .regex(/^\d{6}$/, CENTER_CODE_MESSAGE);

/** Service phone as dialled: area code, a hyphen, then the national hotline 12329. */
export const ServicePhoneSchema = z.string().regex(/^0\d{2,3}-12329$/, '服务电话应为“区号-12329”');

export const CenterSchema = z.object({
  code: CenterCodeSchema,
  name: z.string().min(2),
  province: z.string().min(2),
  city: z.string().min(2),
  phone: ServicePhoneSchema,
  /** Whether the center has joined the national mini-program (its links may be shown). */
  live: z.boolean(),
  /** Full pinyin of the city, lower case, no spaces: 扬州市 -> yangzhoushi. */
  pinyin: z.string().regex(/^[a-z]+$/),
  /** Pinyin initials of the city: 扬州市 -> yzs. */
  initials: z.string().regex(/^[a-z]+$/),
  provincePinyin: z.string().regex(/^[a-z]+$/),
  provinceInitials: z.string().regex(/^[a-z]+$/),
});
export type Center = z.infer<typeof CenterSchema>;

export const ItemIdSchema = z
  .number({ error: '请选择办理事项' })
  .int('事项编号应为整数')
  .refine((n): n is ItemId => (ITEM_IDS as readonly number[]).includes(n), '事项编号应为 1 至 8');

const HTTPS_URL_MAX = 2048;

/** A page of another mini-program as navigateToMiniProgram takes it: segments of letters, digits, _ and -, then an optional query. */
const PAGE_PATH = /^[\w-]+(\/[\w-]+)*(\?[^\s#]*)?$/;

/**
 * What a center supports for one item: its channel (an H5 page or another mini-program, with the health the
 * checks found), or, while it offers no full online channel, an in-app request its staff take up
 * (`in-app`) or its service hall only (`counter`). Those two have no link to check.
 */
export const CenterLinkSchema = z.discriminatedUnion('kind', [
  z.object({
    item: ItemIdSchema,
    kind: z.literal('web'),
    url: z.string().refine((s) => isPlainText(s), unsafeTextMessage('链接')).max(HTTPS_URL_MAX, '链接过长').url('链接格式不正确'),
    healthy: z.boolean(),
  }),
  z.object({
    item: ItemIdSchema,
    kind: z.literal('miniprogram'),
    appId: z.string().regex(/^wx[0-9a-f]{16}$/, '小程序 AppID 应为 wx 加 16 位数字或小写字母 a-f（共 18 位），可在该小程序后台“开发管理-开发设置”中查看'),
    path: z
      .string()
      .refine((s) => isPlainText(s), unsafeTextMessage('页面路径'))
      .max(512, '页面路径过长')
      // empty is left to the form's own 请填写 (a proposal needs one)
      .refine((s) => s === '' || PAGE_PATH.test(s), '页面路径应为该小程序内的页面，如 pages/index/index 或 pages/index/index?item=3，不以 / 开头，不含空格和网址'),
    healthy: z.boolean(),
  }),
  z.object({ item: ItemIdSchema, kind: z.literal('in-app') }),
  z.object({ item: ItemIdSchema, kind: z.literal('counter') }),
]);
export type CenterLink = z.infer<typeof CenterLinkSchema>;

/** The routes a center may declare for an item it does not yet offer fully online. */
export const ITEM_ROUTES = ['in-app', 'counter'] as const;
export type ItemRoute = (typeof ITEM_ROUTES)[number];

export const COUNTER_ADDRESS_MAX = 100;
export const COUNTER_HOURS_MAX = 60;

/** A center's service hall (服务大厅): where its counter is and when it is open, as the center states them. */
export const CenterCounterSchema = z.object({
  address: textField('服务大厅地址')
    .min(5, '请填写服务大厅的详细地址')
    .max(COUNTER_ADDRESS_MAX, `服务大厅地址不超过 ${COUNTER_ADDRESS_MAX} 个字`),
  hours: textField('服务大厅办公时间')
    .min(4, '请填写服务大厅办公时间，如“工作日 9:00-17:00”')
    .max(COUNTER_HOURS_MAX, `服务大厅办公时间不超过 ${COUNTER_HOURS_MAX} 个字`),
});
export type CenterCounter = z.infer<typeof CenterCounterSchema>;

/** A center as stored: its catalog record, and its service hall once the center has given it. */
export type StoredCenter = Center & { counter: CenterCounter | null };

export type CenterWithLinks = StoredCenter & { links: CenterLink[] };

/** The directory shows these per center; keeps the list payload small. */
export type CenterSummary = Pick<Center, 'code' | 'name' | 'province' | 'city' | 'phone' | 'live'>;

export function toSummary(center: Center): CenterSummary {
  const { code, name, province, city, phone, live } = center;
  return { code, name, province, city, phone, live };
}

/** 江苏省 -> 江苏, 广西壮族自治区 -> 广西; used by the directory's index bar. */
export function provinceShortName(province: string): string {
  return province.replace(/(壮族|回族|维吾尔)?自治区$|省$|市$/, '');
}

/** The digits to dial for a service phone: 0514-12329 -> 051412329. */
export function dialNumber(phone: string): string {
  return phone.replace(/-/g, '');
}

export const SEARCH_QUERY_MAX = 30;

