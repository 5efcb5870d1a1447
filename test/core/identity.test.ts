import fc from 'fast-check';
import {
  ID_PROVINCE_PREFIXES,
  docNumberProblem,
  idCheckChar,
  maskDocNumber,
  maskName,
  maskPhone,
  realNameSchema,
  residentIdProblem,
} from '../../src/core/identity';
import { parseInput } from '../../src/core/validation';

const TODAY = '2026-11-22';
const NOW = new Date('2026-11-22T10:00:00+08:00');
const RUNS = { numRuns: 10_000 };

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A resident ID that should pass: real prefix, a real birth date making the person 16 to 100, a check character. */
const validId = fc
  .record({
    prefix: fc.constantFrom(...ID_PROVINCE_PREFIXES),
    region: fc.integer({ min: 0, max: 9999 }),
    birth: fc.date({ min: new Date('1926-11-23T00:00:00Z'), max: new Date('2010-11-22T00:00:00Z'), noInvalidDate: true }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ prefix, region, birth, seq }) => {
    const first17 = `${prefix}${pad(region, 4)}${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1, 2)}${pad(birth.getUTCDate(), 2)}${pad(seq, 3)}`;
    return first17 + idCheckChar(first17);
  });

describe('resident ID numbers (GB 11643-1999)', () => {
  it('accepts the two examples of the standard', () => {
    expect(residentIdProblem('11010519491231002X', TODAY)).toBeUndefined();
    expect(residentIdProblem('440524188001010014', TODAY)).toBeUndefined();
  });

  it('accepts every generated valid ID', () => {
    fc.assert(fc.property(validId, (id) => residentIdProblem(id, TODAY) === undefined), RUNS);
  });

  it('rejects every single-character change of a valid ID', () => {
    const change = validId.chain((id) =>
      fc.record({ id: fc.constant(id), at: fc.integer({ min: 0, max: 17 }), to: fc.constantFrom(...'0123456789X') }).filter(({ id, at, to }) => id[at] !== to),
    );
    fc.assert(
      fc.property(change, ({ id, at, to }) => residentIdProblem(id.slice(0, at) + to + id.slice(at + 1), TODAY) !== undefined),
      RUNS,
    );
  });

  it('rejects impossible birth dates even with a correct check character', () => {
    const impossible = fc
      .record({
        year: fc.integer({ min: 1930, max: 2009 }),
        monthDay: fc.constantFrom('0230', '0231', '0229', '0431', '0631', '0931', '1131', '1301', '0001', '0100', '0132'),
        seq: fc.integer({ min: 0, max: 999 }),
      })
      // 0229 is impossible only outside leap years
      .filter(({ year, monthDay }) => monthDay !== '0229' || !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))
      .map(({ year, monthDay, seq }) => {
        const first17 = `110105${year}${monthDay}${pad(seq, 3)}`;
        return first17 + idCheckChar(first17);
      });
    fc.assert(fc.property(impossible, (id) => residentIdProblem(id, TODAY) === '居民身份证号码中的出生日期不是有效日期'), RUNS);
  });

  it('rejects a future birth date, anyone under 16 and an unknown province', () => {
    const withCheck = (first17: string) => first17 + idCheckChar(first17);
    expect(residentIdProblem(withCheck('11010520271231002'), TODAY)).toContain('晚于今天');
    expect(residentIdProblem(withCheck('11010520101123002'), TODAY)).toContain('16 周岁');
    expect(residentIdProblem(withCheck('11010520101122002'), TODAY)).toBeUndefined(); // 16 today
    expect(residentIdProblem(withCheck('99010519491231002'), TODAY)).toContain('省级行政区划');
    expect(residentIdProblem('11010519491231002', TODAY)).toContain('18 位');
  });
});

describe('the real-name form', () => {
  const parse = (form: unknown) => parseInput(realNameSchema(NOW), form);

  it('accepts a Chinese name with a middle dot, normalizing look-alike dots, spaces and a lower-case x', () => {
    expect(parse({ name: '阿依古丽•买买提', docType: '01', docNumber: '1101 0519 4912 3100 2x' })).toEqual({
      ok: true,
      data: { name: '阿依古丽·买买提', docType: '01', docNumber: '11010519491231002X' },
    });
  });

  it('accepts a Latin name for a passport but not for a resident ID', () => {
    expect(parse({ name: 'John Smith', docType: '03', docNumber: 'E12345678' }).ok).toBe(true);
    const refused = parse({ name: 'John Smith', docType: '01', docNumber: '11010519491231002X' });
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', fields: { name: expect.stringContaining('中文姓名') } });
  });

  it.each([
    [{ name: '张三', docType: '01', docNumber: '110105194912310021' }, 'docNumber', '校验位'],
    [{ name: '张三', docType: '05', docNumber: 'X' }, 'docType', '证件类型'],
    [{ name: '张', docType: '01', docNumber: '11010519491231002X' }, 'name', '姓名至少 2 个字'],
    [{ name: '张三', docType: '01', docNumber: '' }, 'docNumber', '请填写证件号码'],
    [{ name: '张三', docType: '04', docNumber: 'AB123' }, 'docNumber', '永久居留'],
    [{ docType: '01', docNumber: '11010519491231002X' }, 'name', '请填写姓名'],
  ])('refuses %j naming %s', (form, field, words) => {
    expect(parse(form)).toMatchObject({ ok: false, fields: { [field]: expect.stringContaining(words) } });
  });

  it('checks the new permanent-residence card number by its check character', () => {
    const first17 = '93310019800101001';
    expect(docNumberProblem('04', first17 + idCheckChar(first17), TODAY)).toBeUndefined();
    expect(docNumberProblem('04', `${first17}${idCheckChar(first17) === '0' ? '1' : '0'}`, TODAY)).toContain('校验位');
  });
});

describe('masking', () => {
  it('shows only the first and last character of a document number', () => {
    expect(maskDocNumber('11010519491231002X')).toBe('1****************X');
    fc.assert(
      fc.property(validId, (id) => {
        const masked = maskDocNumber(id);
        return masked.length === id.length && !masked.includes(id.slice(6, 14)) && /^\d\*{16}[\dX]$/.test(masked);
      }),
      { numRuns: 1000 },
    );
  });

  it('masks a phone as 138****5678 and a name down to its last character', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('*三');
    expect(maskName('阿依古丽·买买提')).toBe('*******提');
  });
});
