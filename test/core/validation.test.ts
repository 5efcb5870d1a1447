import { CentersEventSchema } from '../../src/core/contracts/centers';
import { parseInput } from '../../src/core/validation';

describe('parsing a centers event', () => {
  it('accepts each action with its fields', () => {
    expect(parseInput(CentersEventSchema, { action: 'search', query: ' yz ' })).toEqual({ ok: true, data: { action: 'search', query: 'yz' } });
    expect(parseInput(CentersEventSchema, { action: 'get', code: '321000' }).ok).toBe(true);
    expect(parseInput(CentersEventSchema, { action: 'jump', code: '321000', item: 1 }).ok).toBe(true);
  });

  it.each([
    [{ action: 'get', code: '32100' }, 'code', '6 位数字'],
    [{ action: 'get' }, 'code', '中心代码'],
    [{ action: 'search', query: '' }, 'query', '请输入'],
    [{ action: 'search', query: 'x'.repeat(31) }, 'query', '不超过 30'],
    [{ action: 'jump', code: '321000', item: 9 }, 'item', '1 至 8'],
    [{ action: 'jump', code: '321000', item: '1' }, 'item', '事项'],
    [{ action: 'delete' }, 'action', '不支持的操作'],
    [{}, 'action', '不支持的操作'],
  ])('refuses %j naming the field %s in Chinese', (event, field, words) => {
    const result = parseInput(CentersEventSchema, event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.fields?.[field]).toContain(words);
    expect(result.message).toContain(words);
  });

  it('refuses an event that is not an object', () => {
    for (const event of [null, 'search', 42, []]) {
      const result = parseInput(CentersEventSchema, event);
      expect(result).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    }
  });
});
