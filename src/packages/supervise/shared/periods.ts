/** 2026-12 -> 12月, under a bar. */
export const monthLabel = (period: string) => `${Number(period.slice(5))}月`;
