import { render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import ApplicationPage from '../../src/pages/application';
import TransferPage from '../../src/pages/transfer';
import { callFunction } from '../../src/services/cloud';
import { devOpenid, setDevOpenid } from '../../src/services/dev-identity';
import { seriousViolationsIn } from './support/axe';
import { personPerTest, residentIds, verifyIdentity } from './support/calls';
import { click, fill, pickCenter, textOf, waitGone } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

/**
 * Transfer refusals that say why and whom to call (issue 18 point 2), on the pages: the refusal card below a 13 or 40
 * with the center's reason, what to do and the contact to call; 重新申请 opening the form filled in from the case; the
 * check of the common causes before submitting, which never stops a person from going on.
 */
const residents = residentIds('refusals');
const FORM = { formerEmployer: '南京某某科技有限公司', formerAccount: 'NJ0012345', newEmployer: '扬州某某制造有限公司', newAccount: '321066667777', phone: '13612345678' };
const REASON = '原单位未办理封存：原单位尚未为您办理住房公积金账户封存，请联系原单位办理封存后，转出地中心重新审核。';
const CONTACT = { name: '转出业务科 王敏', phone: '025-83512329' };

async function submitTransfer(): Promise<string> {
  await verifyIdentity('张三', residents.next());
  const submitted = await callFunction<{ id: string }>('applications', {
    action: 'submit',
    type: 'transfer',
    requestId: `page-refusals-${Date.now()}-${residents.issued}`,
    payload: { transferOutCenter: '320100', transferInCenter: '321000', ...FORM },
  });
  if (!submitted.ok) throw new Error(`submit: ${submitted.message}`);
  return submitted.data.id;
}

/** The staff of 扬州 move the case by hand: each code with what it carries. */
async function staffMove(id: string, moves: readonly Record<string, unknown>[]): Promise<void> {
  const employee = devOpenid();
  setDevOpenid('dev-staff-321000');
  try {
    for (const move of moves) {
      const moved = await callFunction('workbench', { action: 'advance', id, ...move });
      if (!moved.ok) throw new Error(`advance ${String(move.code)}: ${moved.message}`);
    }
  } finally {
    setDevOpenid(employee);
  }
}

async function openDetail(id: string): Promise<HTMLElement> {
  openWith({ id });
  const { container } = render(<ApplicationPage />);
  await findElement(container, '#application-status, .state-error');
  return container;
}

personPerTest('page-refusals', { workbench: ['321000', '320100'] });
// the page shell asks Taro's router for the pages before this one, which jsdom has none of: a page opened directly
beforeEach(() => jest.spyOn(Taro, 'getCurrentPages').mockReturnValue([]));

describe('the refusal card', () => {
  it('shows below 13 the center’s reason, what to do about an unsealed account and the contact to call, with no new application offered', async () => {
    const id = await submitTransfer();
    await staffMove(id, [{ code: '01' }, { code: '02' }, { code: '13', reason: REASON, contact: CONTACT }]);
    const container = await openDetail(id);

    const card = await findElement(container, '#refusal-card');
    expect(textOf(card, '#refusal-title')).toBe('转出地中心审核未通过');
    expect(textOf(card, '#refusal-reason')).toBe(REASON);
    expect(textOf(card, '#refusal-todo')).toBe('请联系原单位的人事或财务部门，为您办理住房公积金账户封存。办好后转出地中心会继续办理，无须重新申请。');
    expect(textOf(card, '#refusal-contact-name')).toBe(CONTACT.name);
    const call = card.querySelector('#refusal-call');
    expect(call?.getAttribute('href')).toBe('tel:02583512329');
    expect(call?.textContent).toContain('025-83512329');
    expect(card.querySelector('#refusal-again')).toBeNull();
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('offers 重新申请 after 40, which opens the transfer form filled in from the case', async () => {
    const id = await submitTransfer();
    await staffMove(id, [{ code: '01' }, { code: '02' }, { code: '13', reason: REASON, contact: CONTACT }, { code: '40' }]);
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const detail = await openDetail(id);

    const card = await findElement(detail, '#refusal-card');
    expect(textOf(card, '#refusal-title')).toBe('转移接续未办成');
    // 40 came without words of its own: the reason and contact of the 13 before it stay
    expect(textOf(card, '#refusal-reason')).toBe(REASON);
    expect(textOf(card, '#refusal-contact-name')).toBe(CONTACT.name);
    expect(textOf(card, '#refusal-todo')).toContain('办好后可以重新申请，上次填写的信息会自动带入。');
    await click(card, '#refusal-again');
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/transfer/index?from=${id}` });
    detail.remove();

    openWith({ from: id });
    const { container } = render(<TransferPage />);
    await waitFor(() => expect(container.querySelector<HTMLInputElement>('#transfer-former-employer input')?.value).toBe(FORM.formerEmployer), { timeout: SERVER_ANSWER_MS });
    expect(container.querySelector<HTMLInputElement>('#transfer-former-account input')?.value).toBe(FORM.formerAccount);
    expect(container.querySelector<HTMLInputElement>('#transfer-new-account input')?.value).toBe(FORM.newAccount);
    expect(container.querySelector<HTMLInputElement>('#transfer-phone input')?.value).toBe(FORM.phone);
    await click(container, '#transfer-next');
    await findElement(container, '#transfer-review');
    expect(textOf(container, '#transfer-review-out-center')).toBe('南京市住房公积金管理中心');
    expect(textOf(container, '#transfer-review-in-center')).toBe('扬州市住房公积金管理中心');
  });

  it('is not shown on a transfer that goes well', async () => {
    const id = await submitTransfer();
    await staffMove(id, [{ code: '01' }]);
    const container = await openDetail(id);
    expect(container.querySelector('#refusal-card')).toBeNull();
  });
});

describe('the check before submitting a transfer', () => {
  /** The transfer page on its review, filled in 南京 -> 扬州. */
  async function review(): Promise<HTMLElement> {
    await verifyIdentity('张三', residents.next());
    openWith({});
    const { container } = render(<TransferPage />);
    await waitGone(container, '.state-loading');
    await pickCenter(container, '#transfer-out-center', '南京', '320100');
    await pickCenter(container, '#transfer-in-center', '扬州', '321000');
    for (const [slug, value] of [['former-employer', FORM.formerEmployer], ['new-employer', FORM.newEmployer], ['new-account', FORM.newAccount], ['phone', FORM.phone]]) {
      await fill(container, `#transfer-${slug} input`, value);
    }
    await click(container, '#transfer-next');
    await findElement(container, '#transfer-review');
    return container;
  }

  it('asks the four common causes, explains each, says what to do about a risky answer, and lets the person go on and submit', async () => {
    const container = await review();
    const check = await findElement(container, '#precheck');
    expect(check.textContent).toContain('原单位是否已为您办理封存？');
    expect(check.textContent).toContain('新单位缴存是否满足转入地的要求？');
    expect(check.textContent).toContain('是否有未结清的公积金贷款？');
    expect(check.textContent).toContain('姓名、证件号码是否与原账户一致？');
    await click(container, '#precheck-not-sealed-risky');
    expect(textOf(container, '#precheck-not-sealed-todo')).toBe('建议：请联系原单位的人事或财务部门，为您办理住房公积金账户封存。否则申请可能不通过。');
    expect(textOf(container, '#precheck-not-sealed-risky')).toBe('已选：未办理或不清楚');
    await click(container, '#precheck-loan-fine');
    expect(container.querySelector('#precheck-loan-todo')).toBeNull();
    expect(textOf(container, '#precheck-warning')).toContain('有 1 项可能导致不通过。您仍可以提交');
    expect(await seriousViolationsIn(container)).toEqual([]);

    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' });
    const submit = await findElement(container, '#transfer-submit');
    expect(submit.hasAttribute('disabled')).toBe(false);
    await click(container, '#transfer-submit');
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: expect.stringMatching(/^\/pages\/application\/index\?id=[a-z0-9]+$/) }), { timeout: SERVER_ANSWER_MS });
  });

  it('lets the person stop before submitting, sending nothing', async () => {
    const container = await review();
    const navigateBack = jest.spyOn(Taro, 'navigateBack').mockResolvedValue({ errMsg: 'navigateBack:ok' });
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    await click(container, '#precheck-stop');
    expect(navigateBack).toHaveBeenCalled();
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('the follow-up of a 差评 on the case', () => {
  it('shows 待回访 with the day the center calls back by, then, once called back, 整改中 with the center’s note and the day of the fix', async () => {
    const id = await submitTransfer();
    await staffMove(id, [{ code: '01' }, { code: '40', reason: REASON, contact: CONTACT }]);
    const rated = await callFunction('applications', { action: 'rate', id, score: 1, comment: '不通过也没人提前告诉我要封存' });
    if (!rated.ok) throw new Error(rated.message);
    const waiting = await openDetail(id);
    expect(textOf(waiting, '#follow-up-state')).toBe('待回访');
    expect(textOf(waiting, '#follow-up-due')).toMatch(/^办理中心将在 \d{4}-\d{2}-\d{2} 前与您电话联系，了解情况并整改。$/);
    expect(await seriousViolationsIn(waiting)).toEqual([]);
    waiting.remove();

    const employee = devOpenid();
    setDevOpenid('dev-staff-321000');
    const closed = await callFunction('workbench', { action: 'closeFollowUp', id, note: '已电话回访，说明需先办理封存，并协助重新申请' });
    setDevOpenid(employee);
    if (!closed.ok) throw new Error(closed.message);
    const done = await openDetail(id);
    expect(textOf(done, '#follow-up-state')).toBe('整改中');
    expect(textOf(done, '#follow-up-note')).toBe('已回访：已电话回访，说明需先办理封存，并协助重新申请');
    expect(textOf(done, '#follow-up-fix-due')).toMatch(/^中心正在整改，将在 \d{4}-\d{2}-\d{2} 前完成。$/);
  });
});
