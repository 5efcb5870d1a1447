import { MonthlyFiguresSchema, type MonthlyFigures } from '../../src/core/supervision';
import { parseInput } from '../../src/core/validation';

/** What a center enters for a month (annex 2): amounts in 万元 are whole fen, exactly. */
const figures = (jointAmountWan: number): MonthlyFigures => ({
  volumes: { '4': 0, '5': 0, '6': 0 },
  outside: { jointCount: 1, jointAmountWan, certificates: 0 },
  windows: 0,
  zones: 0,
  training: 0,
});
const amountProblem = (amount: number) => {
  const parsed = parseInput(MonthlyFiguresSchema, figures(amount));
  return parsed.ok ? null : (parsed.fields?.['outside.jointAmountWan'] ?? parsed.message);
};

describe('the amount a center enters in 万元', () => {
  it('takes amounts of whole fen: none, one or two decimals, up to the largest', () => {
    for (const amount of [0, 12, 10.5, 1234.29, 0.01, 9_999_999.99, 10_000_000]) expect(amountProblem(amount)).toBeNull();
  });

  it('refuses any part of a fen however small, naming the field', () => {
    for (const amount of [0.000000001, 1e-7, 1.234, 12.345, 0.1 + 0.2, 1.0000001]) expect(amountProblem(amount)).toContain('小程序外两地联办购房提取金额（万元）最多保留两位小数');
  });
});
