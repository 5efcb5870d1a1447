import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { closeSimClient, simReceived } from '../support/sim-client';
import { until } from '../support/until';

jest.setTimeout(240_000);

/**
 * 代收代办 in real Chromium against a fresh local host, where every center's endpoint is the center simulator:
 * the business-locale center receives the application and calls back accepted, processing, then completed with
 * a PDF it generates; the accepting center receives a copy and, at the end, a completion notice. The employee
 * downloads the certificate, and it is byte for byte the file the center sent.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const YANGZHOU = '321000'; // business-locale center: issues the certificate
const NANJING = '320100'; // accepting center: takes the request on the person's behalf

afterAll(() => closeSimClient());

const received = () => simReceived(e2e.host.simOrigin);


const timelineSteps = async () => (await current('#application-timeline .timeline-step').allInnerTexts()).map((s) => s.trim()).reverse();

describe('a verified employee applies for 个人住房贷款全部还清证明 (item 8) in the app', () => {
  const first17 = `32100219860303${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const docNumber = first17 + idCheckChar(first17);

  it('submits it through the accepting center; the business center issues a PDF; the employee downloads exactly that file', async () => {
    // 实名核验 through the WeChat simulator
    await e2e.page.goto(e2e.host.url);
    await current('#go-mine').click();
    await current('#mine-go-verify').click();
    await current('#verify-name input').fill('王五');
    await current('#verify-doc-number input').fill(docNumber);
    await current('#verify-next').click();
    await current('#verify-agree').click();
    await current('.verify-success').waitFor();

    // home -> item 8 -> 在线申请: the certificate form
    await e2e.page.goto(e2e.host.url);
    await current('#item-8').click();
    await e2e.page.waitForURL(/pages\/item\/index/);
    await current('#item-apply').click();
    await e2e.page.waitForURL(/pages\/certificate\/index\?type=certificate-loan-cleared/);
    await current('#certificate-form').waitFor();
    expect(await current('#certificate-identity').count()).toBe(0); // verified: no "verify first" notice

    await current('#certificate-business-center').click();
    await current('#certificate-business-center-search input').fill('扬州');
    await current(`#certificate-business-center-search #center-${YANGZHOU}`).click();
    await current('#certificate-accepting-center').click();
    await current('#certificate-accepting-center-search input').fill('南京');
    await current(`#certificate-accepting-center-search #center-${NANJING}`).click();
    await expect(current('#certificate-business-center').innerText()).resolves.toContain('扬州');
    await expect(current('#certificate-accepting-center').innerText()).resolves.toContain('南京');
    await current('#certificate-phone input').fill('13812345678');

    // review (masked), then submit once
    await current('#certificate-next').click();
    await current('#certificate-review').waitFor();
    await expect(current('#certificate-review-type').innerText()).resolves.toBe('个人住房贷款全部还清证明');
    await expect(current('#certificate-review-phone').innerText()).resolves.toBe('138****5678');
    await current('#certificate-submit').click();

    await e2e.page.waitForURL(/pages\/application\/index\?id=/);
    const id = decodeURIComponent(/[?&]id=([^&#]+)/.exec(e2e.page.url())?.[1] ?? '');
    expect(id).toMatch(/^[a-z0-9]{8,40}$/);
    await current('#application-status-label').waitFor();

    // the business center got the application, the accepting center its copy: both verified, both as documented
    const mine = async () => (await received()).filter((r) => r.applicationId === id);
    const [submitted, copy] = await until('the delivery and the copy at the center simulator', async () => {
      const got = await mine();
      const s = got.find((r) => r.type === 'application.submitted');
      const c = got.find((r) => r.type === 'application.copy');
      return s && c ? [s, c] : undefined;
    });
    const delivered = { applicationType: 'certificate-loan-cleared', letterNumber: null, verified: true, problems: [], answer: 200, duplicate: false, fault: null };
    expect(submitted).toMatchObject({ centerCode: YANGZHOU, ...delivered });
    expect(copy).toMatchObject({ centerCode: NANJING, ...delivered, callbacks: [] });

    // the open detail page follows by itself (every 15 s while the application moves)
    await until(
      'the detail page to show 已办结 without a reload',
      async () => ((await current('#application-status-label').innerText()).trim() === '已办结' ? true : undefined),
      90_000,
      1000,
    );
    await expect(current('#application-step').innerText()).resolves.toBe('当前环节：办结');
    expect([
      ['提交', '送达中心', '受理', '出具证明', '办结'],
      ['提交', '受理', '出具证明', '办结'], // a callback beat the record of the delivery
    ]).toContainEqual(await timelineSteps());

    // what the business center sent: accepted, processing, completed with one PDF, each taken once
    const done = (await mine()).find((r) => r.type === 'application.submitted');
    expect(done?.callbacks.filter((c) => c.httpStatus === 200).map((c) => [c.status, c.response])).toEqual(
      ['accepted', 'processing', 'completed'].map((status) => [status, { ok: true, data: { changed: true } }]),
    );
    const sent = done?.callbacks.find((c) => c.status === 'completed' && c.httpStatus === 200)?.documents ?? [];
    expect(sent).toEqual([{ name: '个人住房贷款全部还清证明.pdf', contentType: 'application/pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number) }]);

    // the accepting center is told of the result: the same file by its description, without the content
    const notice = await until('the completion notice to the accepting center', async () => (await mine()).find((r) => r.type === 'application.completed'));
    expect(notice).toMatchObject({ centerCode: NANJING, verified: true, problems: [], answer: 200, callbacks: [], documents: sent });

    // the employee downloads the certificate: byte for byte what the center sent
    const open = current('#application-documents .application-document-open');
    await expect(open.count()).resolves.toBe(1);
    const [download] = await Promise.all([e2e.page.waitForEvent('download'), open.click()]);
    expect(download.suggestedFilename()).toBe('个人住房贷款全部还清证明.pdf');
    const bytes = await readFile(await download.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBe(sent[0].size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sent[0].sha256);
    // the simulator's certificate is in Chinese: its words as UCS-2 (UniGB-UCS2-H), the case's id among them
    expect(bytes.toString('latin1')).toContain(Buffer.from(id, 'utf16le').swap16().toString('hex'));
    expect(await current('#document-error').count()).toBe(0);

    // nothing of the full ID number reached the page
    expect(await e2e.page.content()).not.toContain(docNumber);
  });
});
