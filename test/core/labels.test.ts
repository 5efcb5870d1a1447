import { caseItem, caseTitle, centerRoleLabel, creditOf, eventMessage, letterNumberText, noMaterialsText, showsAcceptLimit, type CaseCenter } from '../../src/core/applications/labels';
import { progressOf } from '../../src/core/applications/steps';
import type { TimelineEntry } from '../../src/core/applications/views';

const TRANSFER_CENTERS: CaseCenter[] = [
  { code: '321000', name: '扬州市住房公积金管理中心', role: 'transfer-in' },
  { code: '110000', name: '北京住房公积金管理中心', role: 'transfer-out' },
];
const entry = (over: Partial<TimelineEntry>): TimelineEntry => ({
  at: '2026-12-01T02:00:00.000Z',
  actor: 'center',
  step: '受理',
  status: 'accepted',
  platformCode: null,
  centerCode: '321000',
  message: '',
  ...over,
});

describe('the progress of a case', () => {
  const names = (steps: ReturnType<typeof progressOf>, state?: string) => steps.filter((s) => !state || s.state === state).map((s) => s.name);

  it('never draws 协商中 as done for a transfer that went from 转出地确认 straight to 办结', () => {
    const steps = progressOf('transfer', '办结', ['提交', '送达中心', '受理', '转出地确认', '转出地确认', '办结']);
    expect(names(steps)).toEqual(['提交', '送达中心', '受理', '转出地确认', '办结']);
    expect(names(steps, 'done')).not.toContain('协商中');
    // a finished case has passed every step it shows: 办结 is drawn done, not as a step still in hand
    expect(steps.at(-1)).toEqual({ name: '办结', state: 'done', ended: false });
    expect(names(steps, 'current')).toEqual([]);
  });

  it('draws 协商中 done when the centers did negotiate, and keeps the steps ahead pending while the case moves', () => {
    expect(names(progressOf('transfer', '办结', ['提交', '送达中心', '受理', '转出地确认', '协商中', '办结']), 'done')).toEqual(['提交', '送达中心', '受理', '转出地确认', '协商中', '办结']);
    const moving = progressOf('transfer', '转出地确认', ['提交', '送达中心', '受理', '转出地确认']);
    expect(names(moving, 'pending')).toEqual(['协商中', '办结']);
  });

  it('counts 送达中心 passed once a center answered before the relay recorded the delivery, and leaves out a certificate’s 出具证明 never taken', () => {
    expect(names(progressOf('certificate-loan-cleared', '办结', ['提交', '受理', '办结']))).toEqual(['提交', '送达中心', '受理', '办结']);
  });

  it('ends a withdrawn case on 已撤销 after the last step it reached, drawing nothing beyond', () => {
    const steps = progressOf('transfer', '已撤销', ['提交', '送达中心', '受理', '已撤销']);
    expect(steps.map((s) => [s.name, s.state, s.ended])).toEqual([
      ['提交', 'done', false],
      ['送达中心', 'done', false],
      ['受理', 'done', false],
      ['已撤销', 'current', true],
    ]);
  });
});

describe('the words of a timeline entry', () => {
  it.each([
    ['01', '01 联系函复核通过', '转入地中心已受理，联系函已发往转出地中心'],
    ['00', '00 正常办结', '已办结，住房公积金已转入转入地个人账户'],
    ['02', '联系函确认接收', '转出地中心已确认接收联系函'],
    ['08', '08 已核对，余额 3 月 5 日到账', '已核对，余额 3 月 5 日到账'],
  ] as const)('says code %s in words, never the bare code (%s)', (platformCode, message, words) => {
    expect(eventMessage({ platformCode, message })).toBe(words);
  });

  it('keeps the words of an entry without a code as they are', () => {
    expect(eventMessage({ platformCode: null, message: '申请已送达中心办理工作台' })).toBe('申请已送达中心办理工作台');
  });
});

describe('who took a step of the timeline', () => {
  it('credits 提交 to the applicant, the delivery to the platform, 受理 and 办结 to the transfer-in center', () => {
    expect(creditOf('transfer', entry({ actor: 'employee' }), undefined, TRANSFER_CENTERS)).toBe('申请人');
    expect(creditOf('transfer', entry({ actor: 'relay' }), undefined, TRANSFER_CENTERS)).toBe('全国住房公积金小程序');
    expect(creditOf('transfer', entry({ platformCode: '01' }), entry({ actor: 'relay' }), TRANSFER_CENTERS)).toBe('转入地中心 扬州市住房公积金管理中心');
    expect(creditOf('transfer', entry({ platformCode: '00' }), entry({ platformCode: '08' }), TRANSFER_CENTERS)).toBe('转入地中心 扬州市住房公积金管理中心');
  });

  it('credits 转出地确认 (02) and 转出审核不通过 (13) to the transfer-out center, 协商 to both, though the transfer-in center reported them', () => {
    expect(creditOf('transfer', entry({ platformCode: '02' }), entry({ platformCode: '01' }), TRANSFER_CENTERS)).toBe('转出地中心 北京住房公积金管理中心');
    expect(creditOf('transfer', entry({ platformCode: '13' }), entry({ platformCode: '02' }), TRANSFER_CENTERS)).toBe('转出地中心 北京住房公积金管理中心');
    expect(creditOf('transfer', entry({ platformCode: '06' }), entry({ platformCode: '02' }), TRANSFER_CENTERS)).toBe('转入地、转出地中心');
  });

  it('credits a request for material under an unchanged code to the center that asked', () => {
    expect(creditOf('transfer', entry({ actor: 'staff', platformCode: '02' }), entry({ platformCode: '02' }), TRANSFER_CENTERS)).toBe('转入地中心 扬州市住房公积金管理中心');
  });
});

describe('labels per type of case', () => {
  it('titles an item-5 request by its item, not 跨省通办事项在线申请, and other types by their type', () => {
    expect(caseTitle({ type: 'service-request', item: 5 })).toBe('住房公积金单位及个人缴存信息变更');
    expect(caseTitle({ type: 'transfer', item: null })).toBe('异地转移接续');
    expect(caseTitle({ type: 'certificate-loan-cleared', item: 8 })).toBe('个人住房贷款全部还清证明');
    expect(caseTitle({ type: 'purchase-withdrawal', item: 7 })).toBe('购房提取住房公积金');
  });

  it('knows the item of each type', () => {
    expect([caseItem('transfer', undefined), caseItem('certificate-deposit-use', undefined), caseItem('purchase-withdrawal', undefined), caseItem('service-request', 6)]).toEqual([null, 2, 7, 6]);
  });

  it('names a service request’s center 办理中心, with no 出具证明, and keeps the certificate’s and purchase’s roles', () => {
    expect(centerRoleLabel('service-request', 'business')).toBe('办理中心');
    expect(centerRoleLabel('certificate-loan-cleared', 'business')).toBe('业务属地中心（出具证明）');
    expect(centerRoleLabel('purchase-withdrawal', 'deposit')).toBe('缴存地中心（办理提取）');
  });

  it('shows a contact letter number for transfers only, 受理后生成 only while a transfer may still be accepted', () => {
    expect(letterNumberText({ type: 'transfer', status: 'delivered', letterNumber: null })).toBe('受理后生成');
    expect(letterNumberText({ type: 'transfer', status: 'completed', letterNumber: '3210002612010001' })).toBe('3210002612010001');
    expect(letterNumberText({ type: 'transfer', status: 'withdrawn', letterNumber: null })).toBeUndefined();
    expect(letterNumberText({ type: 'certificate-loan-cleared', status: 'completed', letterNumber: null })).toBeUndefined();
    expect(letterNumberText({ type: 'purchase-withdrawal', status: 'delivered', letterNumber: null })).toBeUndefined();
  });

  it('keeps the acceptance limit only while the case waits to be accepted', () => {
    const shown = (['submitted', 'delivered', 'accepted', 'processing', 'completed', 'withdrawn', 'rejected', 'failed'] as const).filter(showsAcceptLimit);
    expect(shown).toEqual(['submitted', 'delivered']);
  });

  it('tells a certificate case where its certificate will come while 材料 is empty', () => {
    expect(noMaterialsText('certificate-loan-cleared')).toContain('证明出具后可在此下载');
    expect(noMaterialsText('service-request')).toBe('暂无材料');
  });
});
