import { purchaseWithdrawalPayloadSchema, ServiceRequestPayloadSchema, DESCRIPTION_MAX } from '../../src/core/applications/payloads';
import { handCodeSchema } from '../../src/core/codes';
import { portalEventSchema } from '../../src/core/contracts/portal';
import { TrialInviteCodeSchema } from '../../src/core/contracts/trial';
import { fileSizeText } from '../../src/core/files';
import { realNameSchema } from '../../src/core/identity';
import { NAME_MAX, normalizeName, sameName } from '../../src/core/names';
import { parseInput } from '../../src/core/validation';

const NOW = new Date('2026-12-06T08:00:00+08:00');
const ID = '11010519491231002X';
const realName = (name: string, docType = '01', docNumber = ID) => parseInput(realNameSchema(NOW), { name, docType, docNumber });

describe('the one name rule', () => {
  it.each([
    ['李䶮', '李䶮'], // CJK extension A
    ['𠮷田花子', '𠮷田花子'], // extension B, outside the BMP
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['阿依古丽・买买提', '阿依古丽·买买提'], // the katakana middle dot
    ['阿依古丽･买买提', '阿依古丽·买买提'], // the half-width one
    ['阿依古丽•买买提', '阿依古丽·买买提'],
  ])('accepts the real name %s as %s', (typed, kept) => {
    expect(realName(typed)).toEqual({ ok: true, data: { name: kept, docType: '01', docNumber: ID } });
  });

  it('tells a 60-character name that it is too long, naming the limit, not to fill it in', () => {
    const refused = realName('张'.repeat(60));
    expect(refused).toMatchObject({ ok: false, fields: { name: expect.stringContaining(`姓名过长（最多 ${NAME_MAX} 字）`) } });
    expect(JSON.stringify(refused)).not.toContain('请填写');
  });

  it('counts a character outside the BMP once: 40 of 𠮷 are not too long', () => {
    expect([...'𠮷'.repeat(NAME_MAX)].length).toBe(NAME_MAX);
    expect(realName('𠮷'.repeat(NAME_MAX)).ok).toBe(true);
  });

  it('tells an emoji-only name what is wrong with it, not to fill it in', () => {
    const refused = realName('😀😀');
    expect(refused).toMatchObject({ ok: false, fields: { name: '姓名只有表情或符号，请用文字填写' } });
  });

  it('accepts a rare-character account name on a purchase withdrawal and refuses an emoji-only one', () => {
    const schema = purchaseWithdrawalPayloadSchema(NOW);
    const accountName = (name: string) => schema.safeParse({ bank: { accountName: name } }).error?.issues.find((i) => i.path.join('.') === 'bank.accountName')?.message;
    expect(accountName('李䶮')).toBeUndefined();
    expect(accountName('阿依古丽・买买提')).toBeUndefined();
    expect(accountName('🙂🙂🙂')).toBe('收款户名只有表情或符号，请用文字填写');
    expect(accountName('张'.repeat(60))).toContain(`收款户名过长（最多 ${NAME_MAX} 字）`);
  });

  it('asks for an empty text or date, says how long a short text must be, and writes the date format in words', () => {
    const fields = (house: object) => {
      const parsed = parseInput(purchaseWithdrawalPayloadSchema(NOW), { house });
      return parsed.ok ? {} : parsed.fields ?? {};
    };
    expect(fields({ address: '', purchaseDate: '' })).toMatchObject({ 'house.address': '请填写房屋坐落地址', 'house.purchaseDate': '请填写购房日期' });
    expect(fields({ address: '扬州', purchaseDate: '2026/1/5' })).toMatchObject({ 'house.address': '房屋坐落地址至少 5 个字', 'house.purchaseDate': '购房日期应为“年-月-日”，如 2026-01-05' });
    expect(fields({ address: '扬州市邗江区文昌西路 1 号', purchaseDate: '2026-01-05' })).not.toHaveProperty(['house.address']);
  });

  it('takes two spellings of the middle dot as one name', () => {
    expect(normalizeName(' 阿依古丽・买买提 ')).toBe('阿依古丽·买买提');
    expect(sameName('阿依古丽・买买提', '阿依古丽·买买提')).toBe(true);
    expect(sameName('李䶮', '李岩')).toBe(false);
  });
});

describe('long and emoji-only texts', () => {
  const description = (text: string) => parseInput(ServiceRequestPayloadSchema, { center: '321000', item: 5, phone: '13612345678', description: text });

  it('refuses a text past its limit naming the limit, and keeps one at the limit whole', () => {
    expect(description('变'.repeat(DESCRIPTION_MAX + 30))).toMatchObject({ ok: false, fields: { description: `办理事项说明不超过 ${DESCRIPTION_MAX} 个字` } });
    expect(description('变'.repeat(DESCRIPTION_MAX))).toMatchObject({ ok: true, data: { description: '变'.repeat(DESCRIPTION_MAX) } });
  });

  it('tells an emoji-only text what is wrong, not to fill it in', () => {
    expect(description('😀😀😀')).toMatchObject({ ok: false, fields: { description: '办理事项说明只有表情或符号，请用文字填写' } });
  });
});

describe('hand codes', () => {
  it('tells an eight-character code with a character codes never have that it is wrong, not its length', () => {
    const message = '邀请码不正确（邀请码中没有数字 0、1 和字母 O、I），请核对后重新输入';
    expect(TrialInviteCodeSchema.safeParse('ABCD0123').error?.issues[0].message).toBe(message);
    expect(parseInput(portalEventSchema(NOW), { action: 'joinCenter', code: 'wxyzoi23' })).toMatchObject({ ok: false, fields: { code: message } });
  });

  it('tells a code of another length or with other characters its form, and takes a good one typed in lower case', () => {
    expect(handCodeSchema('邀请码').safeParse('ABC').error?.issues[0].message).toBe('邀请码应为 8 位字母或数字');
    expect(handCodeSchema('邀请码').safeParse('ABCD-234').error?.issues[0].message).toBe('邀请码应为 8 位字母或数字');
    expect(handCodeSchema('核验码').safeParse(' abcd2345 ')).toMatchObject({ success: true, data: 'ABCD2345' });
  });
});

describe('file sizes', () => {
  it.each([
    [300, '300 字节'],
    [1, '1 字节'],
    [1536, '1.5 KB'],
    [20 * 1024, '20.0 KB'],
    [3.25 * 1024 * 1024, '3.3 MB'],
  ])('reads %d bytes as %s, never 0 KB', (bytes, text) => {
    expect(fileSizeText(bytes)).toBe(text);
  });
});
