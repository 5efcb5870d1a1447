import { groupDigits, paymentSchema } from '../../src/core/money';

test('writes a whole number with thousands separators as en-US does', () => {
  for (const n of [0, 7, 999, 1_000, 12_345, 10_000, 1_234_567, 10_000_000, 100_000_000]) expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
});

test('names the largest amount a center may report with its thousands separators', () => {
  const parsed = paymentSchema(new Date('2026-12-06T08:00:00+08:00')).safeParse({ amount: 100_000_001, paidOn: '2024-05-01' });
  expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['实际提取金额（元）不超过 100,000,000']);
});

test('checks a payment date against the given day, not the clock of the machine', () => {
  const paidOn = '2030-03-02';
  expect(paymentSchema(new Date('2030-03-02T09:00:00+08:00')).safeParse({ amount: 1, paidOn }).success).toBe(true);
  expect(paymentSchema(new Date('2030-03-01T09:00:00+08:00')).safeParse({ amount: 1, paidOn }).error?.issues.map((issue) => issue.message)).toEqual(['支付日期不能晚于今天']);
});
