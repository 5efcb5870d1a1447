import { render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { VERIFY_PAGE } from '../../src/core/identity';
import { ACCOUNT_PAGE, DELETION_DAYS, PRIVACY_PAGE } from '../../src/core/privacy';
import { shanghaiDate } from '../../src/core/time';
import AccountPage from '../../src/packages/account/manage';
import MinePage from '../../src/pages/mine';
import PrivacyPage from '../../src/packages/account/policy';
import VerifyPage from '../../src/pages/verify';
import JoinPage from '../../src/packages/portal/join';
import { identityCalls } from '../../src/services/identity';
import { seriousViolationsIn } from './support/axe';
import { personPerTest, residentIds, verifyIdentity } from './support/calls';
import { catchDownloads, releaseDownloads } from './support/downloads';
import { click, fill, textOf, waitForText } from './support/interact';
import { findElement, openWith, showPage } from './support/page';

/**
 * Issue 17, privacy promises: the 隐私政策 page says plainly what is collected, why, who receives it, how long it is
 * kept, the rights and whom to ask, and is a tap away from the consent, from 我的 and from every page's footer;
 * 隐私与账号 says what 注销账号 deletes and what the law keeps and for how long before it is confirmed, unbinds and
 * deletes on the local host's functions; 加入中心 is no entry of an employee's but a small line, or the invite's link.
 */
const residents = residentIds('privacy');
personPerTest('page-privacy');

const navigations = () => jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });

describe('privacy pages', () => {
  it('says what is collected, why, that only the handling center receives it, how long it is kept, the rights and the contact, in Chinese', async () => {
    openWith({}, PRIVACY_PAGE);
    const { container } = render(<PrivacyPage />);
    const page = await findElement(container, '#privacy-page');
    for (const title of ['我们收集哪些信息', '为什么收集', '谁会收到您的信息', '保存多久', '您的权利和行使方式', '联系我们']) expect(page.textContent).toContain(title);
    expect(page.textContent).toContain('只有办理您申请的住房公积金管理中心');
    expect(page.textContent).toContain('不获取、不保存人脸图像');
    expect(page.textContent).toContain(`${DELETION_DAYS} 天等待期满后删除`);
    expect(page.textContent).toContain('12329');
    expect(page.textContent).not.toMatch(/[A-Za-z]/);
    expect(await seriousViolationsIn(container)).toEqual([]);
    // no footer link to itself
    expect(container.querySelector('#footer-privacy')).toBeNull();
  });

  it('is linked from the consent before face verification', async () => {
    const navigateTo = navigations();
    const { container } = render(<VerifyPage />);
    await fill(container, '#verify-name input', '张三');
    await fill(container, '#verify-doc-number input', residents.next());
    await click(container, '#verify-next');
    await click(container, '#verify-policy');
    expect(navigateTo).toHaveBeenCalledWith({ url: PRIVACY_PAGE });
  });

  it('is linked from the footer of every page, 我的 too (once: not again in its card), and 我的 opens 隐私与账号', async () => {
    openWith({}, '/pages/mine/index');
    const navigateTo = navigations();
    const { container } = render(<MinePage />);
    expect(Array.from(container.querySelectorAll('[role=link]')).filter((link) => link.textContent === '隐私政策')).toHaveLength(1);
    await click(container, '#mine-account');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: ACCOUNT_PAGE });
    await click(container, '#footer-privacy');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: PRIVACY_PAGE });
  });

  it('says before deletion what is deleted, what the law keeps and for how long, then deletes after confirming, and cancels within the period', async () => {
    const { container } = render(<AccountPage />);
    const card = await findElement(container, '#account-delete');
    expect(card.textContent).toContain('注销后会删除');
    expect(card.textContent).toContain('依法保留的信息（保留多久）');
    expect(card.textContent).toContain('由办理中心按会计档案和住房公积金档案管理规定保存 30 年');
    expect(card.textContent).toContain('不少于 6 个月');
    expect(card.textContent).toContain(`${DELETION_DAYS} 天等待期`);
    expect(card.textContent).toContain('期间可随时撤销注销');
    expect(await seriousViolationsIn(container)).toEqual([]);

    // nothing is sent before the person confirms on the page
    await click(container, '#account-delete-start');
    await findElement(container, '#account-delete-confirm');
    await click(container, '#account-delete-yes');
    const due = shanghaiDate(new Date(Date.now() + DELETION_DAYS * 24 * 3600 * 1000));
    expect(await waitForText(container, '#account-delete-due', new RegExp(`将于 ${due} 后删除`))).toContain('在此之前可以撤销');

    await click(container, '#account-delete-cancel');
    expect(await waitForText(container, '#account-delete-outcome', /已撤销注销/)).toBeTruthy();
    await findElement(container, '#account-delete-start');
  });

  /** The session function's answers as CloudBase gives them once its daily run has marked the request (the local host is SQL). */
  const whileErasing = (answers: { deletionStatus: () => unknown; cancelDeletion?: unknown }) => {
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      if (body.action === 'deletionStatus') return new Response(JSON.stringify({ ok: true, data: answers.deletionStatus() }));
      if (body.action === 'cancelDeletion' && answers.cancelDeletion) return new Response(JSON.stringify(answers.cancelDeletion));
      return realFetch(input, init);
    });
  };
  const requested = new Date('2026-11-05T10:00:00+08:00');
  const pending = (erasing: boolean) => ({ pending: { requestedAt: requested.toISOString(), dueAt: new Date(requested.getTime() + DELETION_DAYS * 24 * 3600 * 1000).toISOString(), erasing } });

  it('offers no 撤销注销 while the deletion is being carried out, and says so in Chinese', async () => {
    whileErasing({ deletionStatus: () => pending(true) });
    const { container } = render(<AccountPage />);
    const said = await waitForText(container, '#account-delete-erasing', /正在执行/);
    expect(said).toBe('您于 2026-11-05 申请的注销正在执行，系统正在删除您的信息，不能再撤销。');
    expect(container.querySelector('#account-delete-cancel')).toBeNull();
    expect(container.querySelector('#account-delete-start')).toBeNull();
    expect(textOf(container, '#account-delete')).not.toMatch(/[A-Za-z]/);
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('shows the deletion under way in place of 撤销注销 when a cancel is refused because it began meanwhile', async () => {
    let erasing = false;
    whileErasing({ deletionStatus: () => pending(erasing), cancelDeletion: { ok: false, code: 'VALIDATION_FAILED', message: '注销正在执行，不能撤销' } });
    const { container } = render(<AccountPage />);
    await findElement(container, '#account-delete-cancel');
    erasing = true;
    await click(container, '#account-delete-cancel');
    expect(await waitForText(container, '#account-delete-outcome', /不能撤销/)).toBe('注销正在执行，不能撤销');
    await findElement(container, '#account-delete-erasing');
    expect(container.querySelector('#account-delete-cancel')).toBeNull();
  });

  it('refuses deletion while a case is in progress, saying so on the page', async () => {
    await verifyIdentity('张三', residents.next());
    const { callFunction } = await import('../../src/services/cloud');
    const submitted = await callFunction<{ id: string }>('applications', {
      action: 'submit',
      type: 'transfer',
      requestId: `page-privacy-${Date.now()}`,
      payload: { transferOutCenter: '110000', transferInCenter: '321000', formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '3210098765', phone: '13912345678' },
    });
    expect(submitted.ok).toBe(true);
    const { container } = render(<AccountPage />);
    await click(container, '#account-delete-start');
    await click(container, '#account-delete-yes');
    expect(await waitForText(container, '#account-delete-outcome', /1 件申请正在办理中/)).toBeTruthy();
  });

  it('leads a person with no identity to 实名核验 before a copy of their data, and back to the copy once verified', async () => {
    openWith({}, ACCOUNT_PAGE);
    const navigateTo = navigations();
    const navigateBack = jest.spyOn(Taro, 'navigateBack').mockResolvedValue({ errMsg: 'navigateBack:ok' });
    const account = render(<AccountPage />);
    // the router's show after the mount, as Taro's router fires it
    showPage();
    expect(await waitForText(account.container, '#account-download-why', /您尚未完成实名核验/)).toContain('请先完成实名核验，再下载我的数据');
    expect(textOf(account.container, '#account-download-rule')).toBe('为确认是您本人，下载前 24 小时内须完成过实名核验；每天最多下载 5 次。');
    expect(account.container.querySelector('#account-download')).toBeNull();
    expect(await seriousViolationsIn(account.container)).toEqual([]);
    await click(account.container, '#account-download-verify');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: `${VERIFY_PAGE}?back=1` });

    // 实名核验 opened so returns to the page that sent the person, not to 我的
    openWith({ back: '1' }, VERIFY_PAGE);
    const verify = render(<VerifyPage />);
    await fill(verify.container, '#verify-name input', '张三');
    await fill(verify.container, '#verify-doc-number input', residents.next());
    await click(verify.container, '#verify-next');
    await click(verify.container, '#verify-agree');
    await findElement(verify.container, '.verify-success');
    expect(verify.container.querySelector('#verify-to-mine')).toBeNull();
    await click(verify.container, '#verify-return');
    expect(navigateBack).toHaveBeenCalled();
    verify.unmount();

    // shown again: the identity asked again, the copy offered
    openWith({}, ACCOUNT_PAGE);
    showPage();
    await findElement(account.container, '#account-download');
    expect(account.container.querySelector('#account-download-why')).toBeNull();
  });

  it('says why a copy is refused for an identity checked more than 24 hours ago, and offers 实名核验 beside it', async () => {
    await verifyIdentity('张三', residents.next());
    const stale = '下载我的数据前请重新完成实名核验（上次核验在 2026-12-04 10:00，已超过 24 小时）：在“我的”中点“实名核验”';
    const realFetch = globalThis.fetch;
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { action?: string };
      return body.action === 'myData' ? new Response(JSON.stringify({ ok: false, code: 'IDENTITY_REQUIRED', message: stale })) : realFetch(input, init);
    });
    const navigateTo = navigations();
    const { container } = render(<AccountPage />);
    await click(container, '#account-download');
    expect(await waitForText(container, '#account-download-outcome', /已超过 24 小时/)).toBe(stale);
    await click(container, '#account-download-verify');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: `${VERIFY_PAGE}?back=1` });
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('unbinds the verified identity after confirming: 我的 then shows 未核验', async () => {
    await verifyIdentity('张三', residents.next());
    const caught = catchDownloads();
    const { container } = render(<AccountPage />);
    // a copy downloaded first: its 已下载 belongs to the verified identity and goes with it
    await click(container, '#account-download');
    expect(await waitForText(container, '#account-download-outcome', /已下载/)).toBe('已下载我的数据，请妥善保管');
    expect(caught.blobs).toHaveLength(1);
    releaseDownloads();
    await click(container, '#account-unbind-start');
    await click(container, '#account-unbind-yes');
    expect(await waitForText(container, '#account-unbind-outcome', /已解除绑定/)).toBeTruthy();
    const status = await identityCalls.status();
    expect(status.ok && status.data.status).toBe('none');
    await findElement(container, '#account-unbind-none');
    await findElement(container, '#account-download-why');
    expect(container.querySelector('#account-download-outcome')).toBeNull();
  });

  it('fills the join page from a staff invite link, and offers no 加入中心 card among an employee’s entries', async () => {
    openWith({ code: 'abcd2345' });
    const join = render(<JoinPage />);
    expect((await findElement<HTMLInputElement>(join.container, '#join-code input')).value).toBe('ABCD2345');
    join.unmount();

    const { container } = render(<MinePage />);
    await findElement(container, '#mine-join');
    expect(textOf(container, '#mine-join')).toBe('中心工作人员：输入邀请码加入中心');
    expect(container.querySelectorAll('.card#mine-join')).toHaveLength(0);
  });
});
