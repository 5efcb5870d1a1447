import { idCheckChar } from '../../src/core/identity';
import { useChromiumOnLocalHost } from '../support/e2e';
import { pdfOf } from '../support/files';
import { verifyOnHost } from '../support/local-host';
import { simResetScript, simSetScript } from '../support/sim-client';
import { until } from '../support/until';

jest.setTimeout(300_000);

/**
 * The detail page of each kind of case in Chromium (issue 17, timelines and labels): a transfer the center simulator
 * takes to 办结, a purchase withdrawal with its uploads, an item-5 request. Each page passes axe and is kept as a
 * screenshot (E2E_SHOTS) for a person to look at.
 */
const e2e = useChromiumOnLocalHost();
const { current } = e2e;

const EMPLOYEE = 'dev-employee';
const first17 = `32100219900101${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;

/** A call to a function of the host as the employee persona; answers its data or throws its message. */
async function call<T>(name: string, event: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${e2e.host.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': EMPLOYEE }, body: JSON.stringify(event) });
  const answer = (await res.json()) as { ok: true; data: T } | { ok: false; message: string };
  if (!answer.ok) throw new Error(`${name} ${String(event.action)}: ${answer.message}`);
  return answer.data;
}

async function upload(bytes: Buffer): Promise<string> {
  const res = await fetch(`${e2e.host.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': EMPLOYEE }, body: new Uint8Array(bytes) });
  return ((await res.json()) as { data: { fileId: string } }).data.fileId;
}

const submit = async (type: string, payload: Record<string, unknown>) =>
  (await call<{ id: string }>('applications', { action: 'submit', type, requestId: `e2e-detail-${type}-${Date.now()}`, payload })).id;

/** Opens the detail page of a case as the employee and waits for its status. */
async function openDetail(id: string): Promise<void> {
  await e2e.open(`pages/application/index?id=${encodeURIComponent(id)}`);
  await current('#application-status-label').waitFor();
}

/**
 * The contrast of each step dot's number or tick against its own disc, as the browser paints them: axe passes them over
 * (the dots are Taro's text elements), and a step ahead once showed white on light grey (1.25:1).
 */
async function dotContrasts(): Promise<number[]> {
  return current('#application-steps .application-step-dot').evaluateAll((dots) => {
    const luminance = (css: string) => {
      const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return dots.map((dot) => {
      const style = getComputedStyle(dot);
      const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
      return (light + 0.05) / (dark + 0.05);
    });
  });
}

beforeAll(async () => {
  await verifyOnHost(e2e.host.url, EMPLOYEE, '张三', first17 + idCheckChar(first17));
  await e2e.signIn('employee', '缴存职工');
});

describe('the detail page of each kind of case', () => {
  it('shows a transfer the centers took to 办结 in words, credited step by step, without 协商中 done or a deadline left', async () => {
    const id = await submit('transfer', { transferOutCenter: '110000', transferInCenter: '321000', formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '321055556666', phone: '13712345678' });
    // the simulator calls back 01 → 02 → 08 → 00 a second apart
    await until('the transfer to be completed', async () => ((await call<{ status: string }>('applications', { action: 'get', id })).status === 'completed' ? true : undefined), 90_000, 1000);
    await openDetail(id);

    const steps = await current('#application-steps .application-step-label').allInnerTexts();
    expect(steps).toEqual(['提交', '送达中心', '受理', '转出地确认', '办结']);
    const timeline = await current('#application-timeline').innerText();
    expect(timeline).not.toMatch(/\b0[0128] (联系函|账户|正常)/);
    expect(timeline).toContain('申请人');
    expect(timeline).toMatch(/转出地中心 北京/);
    expect(await current('#application-accept-by').count()).toBe(0);
    // a finished case: every step it shows ticked, none drawn as still in hand; each tick at least 4.5:1 on its disc
    await expect(current('#application-steps .application-step-current').count()).resolves.toBe(0);
    await expect(current('#application-steps .application-step-dot').allInnerTexts()).resolves.toEqual(['✓', '✓', '✓', '✓', '✓']);
    for (const ratio of await dotContrasts()) expect(ratio).toBeGreaterThanOrEqual(4.5);
    await e2e.expectAccessible('case-detail-transfer', '#application-timeline');
  });

  it('lists a purchase withdrawal’s uploads under 材料 with its two centers’ roles', async () => {
    const id = await submit('purchase-withdrawal', {
      purchaseCenter: '320100',
      depositCenter: '321000',
      house: { address: '江苏省南京市鼓楼区中山路 1 号 2 幢 301 室', contractNumber: `NJ${Date.now()}`, purchaseDate: '2026-10-08', price: 1_280_000, area: 98.5, seller: '南京某房地产开发有限公司' },
      bank: { accountName: '张三', bankName: '中国建设银行南京分行', accountNumber: '6217001234567890123' },
      amount: 150_000,
      phone: '13712345678',
      attachments: [
        { kind: 'contract', fileId: await upload(pdfOf('Purchase contract')), name: '购房合同.pdf' },
        { kind: 'invoice', fileId: await upload(pdfOf('Purchase invoice')), name: '购房发票.pdf' },
      ],
    });
    await openDetail(id);

    await expect(current('.application-type').innerText()).resolves.toBe('购房提取住房公积金');
    await expect(current('#application-documents').innerText()).resolves.toContain('购房合同.pdf');
    await expect(current('#application-documents').innerText()).resolves.not.toContain('暂无材料');
    await expect(current('#application-centers').innerText()).resolves.toContain('缴存地中心（办理提取）');
    expect(await current('#application-letter').count()).toBe(0);
    await e2e.expectAccessible('case-detail-purchase', '#application-documents');
  });

  it('keeps each of a moving transfer’s six steps on one line (not 转出地确/认)', async () => {
    // 扬州 accepts and goes no further: the case waits at 受理 with 转出地确认, 协商中 and 办结 still ahead
    await simSetScript(e2e.host.simOrigin, { type: 'transfer', steps: ['01'] });
    try {
      const id = await submit('transfer', { transferOutCenter: '110000', transferInCenter: '321000', formerEmployer: '北京某某科技有限公司', newEmployer: '扬州某某制造有限公司', newAccount: '321055557777', phone: '13712345678' });
      await until('the case to be accepted', async () => ((await call<{ step: string }>('applications', { action: 'get', id })).step === '受理' ? true : undefined), 30_000, 500);
      await openDetail(id);
      const labels = await current('#application-steps .application-step-label').evaluateAll((els) =>
        els.map((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return { name: el.textContent, lines: new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size };
        }),
      );
      expect(labels).toEqual(['提交', '送达中心', '受理', '转出地确认', '协商中', '办结'].map((name) => ({ name, lines: 1 })));
      await e2e.shot('case-detail-transfer-moving');
    } finally {
      await simResetScript(e2e.host.simOrigin, 'transfer');
    }
  });

  it('titles an item-5 request by its item, with its one center 办理中心', async () => {
    const id = await submit('service-request', { center: '321000', item: 5, phone: '13712345678', description: '单位名称已变更，需要同步变更缴存信息' });
    await openDetail(id);

    await expect(current('.application-type').innerText()).resolves.toBe('住房公积金单位及个人缴存信息变更');
    await expect(current('#application-centers').innerText()).resolves.toContain('办理中心');
    await expect(current('.application-page').innerText()).resolves.not.toContain('出具证明');
    expect(await current('#application-letter').count()).toBe(0);
    // the numbers of the steps still ahead too
    const contrasts = await dotContrasts();
    expect(contrasts.length).toBeGreaterThan(2);
    for (const ratio of contrasts) expect(ratio).toBeGreaterThanOrEqual(4.5);
    await e2e.expectAccessible('case-detail-item-5');
  });
});
