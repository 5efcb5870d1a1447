/**
 * The eight cross-province items (跨省通办) and how the product handles each one.
 * Source: 建办金〔2020〕53号 and 建司局函金〔2021〕50号 (see shared/DOMAIN.md).
 */
export const HANDLING_MODES = ['online', 'relay', 'joint'] as const;
export type HandlingMode = (typeof HANDLING_MODES)[number];

export const MODE_LABELS: Record<HandlingMode, string> = {
  online: '全程网办',
  relay: '代收代办',
  joint: '两地联办',
};

export const ITEM_IDS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type ItemId = (typeof ITEM_IDS)[number];

export interface ItemInfo {
  id: ItemId;
  name: string;
  short: string;
  since: 2020 | 2021;
  mode: HandlingMode;
  /** What the employee does, in one sentence. */
  guide: string;
}

export const ITEMS: readonly ItemInfo[] = [
  { id: 1, name: '个人住房公积金缴存贷款等信息查询', short: '缴存贷款信息查询', since: 2020, mode: 'online', guide: '选择缴存地中心，前往其线上服务渠道查询。' },
  { id: 2, name: '出具贷款职工住房公积金缴存使用证明', short: '缴存使用证明', since: 2020, mode: 'relay', guide: '在所在地中心提交申请，由缴存地中心出具证明后送回。' },
  { id: 3, name: '正常退休提取住房公积金', short: '退休提取', since: 2020, mode: 'online', guide: '选择缴存地中心，前往其线上服务渠道办理。' },
  { id: 4, name: '住房公积金单位登记开户', short: '单位登记开户', since: 2021, mode: 'online', guide: '选择单位所在地中心，前往其线上服务渠道办理。' },
  { id: 5, name: '住房公积金单位及个人缴存信息变更', short: '缴存信息变更', since: 2021, mode: 'online', guide: '选择缴存地中心，前往其线上服务渠道办理。' },
  { id: 6, name: '提前还清住房公积金贷款', short: '提前还清贷款', since: 2021, mode: 'online', guide: '选择贷款地中心，前往其线上服务渠道办理。' },
  { id: 7, name: '购房提取住房公积金', short: '购房提取', since: 2021, mode: 'joint', guide: '由购房地中心核验购房信息，缴存地中心办理提取并转入本人银行账户。' },
  { id: 8, name: '开具住房公积金个人住房贷款全部还清证明', short: '贷款还清证明', since: 2021, mode: 'relay', guide: '在所在地中心提交申请，由贷款地中心出具证明后送回。' },
];

/** Items the product serves by jumping to the business-locale center's own channel. */
export const ONLINE_ITEM_IDS: readonly ItemId[] = ITEMS.filter((i) => i.mode === 'online').map((i) => i.id);

export function itemById(id: number): ItemInfo | undefined {
  return ITEMS.find((i) => i.id === id);
}

/** An item's short name (退休提取) as pages name it; 第N项 for a number that is no item. */
export const itemShortName = (id: number): string => itemById(id)?.short ?? `第${id}项`;

export function isItemId(value: unknown): value is ItemId {
  return typeof value === 'number' && (ITEM_IDS as readonly number[]).includes(value);
}
