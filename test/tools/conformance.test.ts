import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { APPLICATION_ID_PATTERN } from '../../src/core/applications/payloads';
import { sniffAttachment } from '../../src/core/center-api';
import { inspectFile } from '../../cloudfunctions/_lib/files/inspect';
import { residentIdProblem } from '../../src/core/identity';
import { shanghaiDate } from '../../src/core/time';
import { runConformance, TEST_DOC_NUMBER, TEST_JPEG, TEST_PDF } from '../../cloudfunctions/_lib/centers/conformance';
import type { ConformanceReport } from '../../src/core/center-portal';
import { createOutboundClient, hostPort, type OutboundClient } from '../../cloudfunctions/_lib/delivery/http';
import { newSecret, newWebhookId, signHeaders, verifySigned } from '../../cloudfunctions/_lib/delivery/signing';
import { startCallbackInbox, type InboxServer } from '../../tools/conformance-inbox';
import { startCenterSim, type CenterSim } from '../../tools/center-sim/server';
import { until } from '../support/until';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const CENTER = '321000';
const SECRET = newSecret();
const CHECK_IDS = [
  'delivery.submitted.transfer',
  'delivery.submitted.certificate-loan-cleared',
  'delivery.submitted.purchase-withdrawal',
  'delivery.submitted.service-request',
  'delivery.copy',
  'delivery.withdrawn',
  'delivery.completed',
  'refuse.bad-signature',
  'refuse.stale-timestamp',
  'repeat.same-webhook-id',
  'callbacks.transfer',
  'callbacks.certificate-loan-cleared',
  'callbacks.purchase-withdrawal',
  'callbacks.service-request',
  'attachments.purchase-withdrawal',
];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const failedChecks = (report: ConformanceReport) => report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`);

/** The CLI as a center's engineer runs it; resolves with its exit code and output, whatever the code. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'tools/center-conformance.ts', ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe('the center conformance suite', () => {
  let sim: CenterSim;
  let inbox: InboxServer;
  let outbound: OutboundClient;
  let simAgent: Agent;

  const target = () => ({ centerCode: CENTER, url: sim.endpointFor(CENTER), secret: SECRET });
  const run = (options: { inbox?: InboxServer; callbackWaitMs?: number } = {}) =>
    runConformance(target(), { outbound, inbox: options.inbox ?? inbox, callbackWaitMs: options.callbackWaitMs ?? 10_000 });
  const simControl = async (route: string, body: unknown) => {
    const res = await request(`${sim.origin}${route}`, { method: 'POST', dispatcher: simAgent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as unknown };
  };

  beforeEach(async () => {
    sim = await startCenterSim({ secretFor: (code) => (code === CENTER ? SECRET : undefined), callbackDelayMs: 20 });
    inbox = await startCallbackInbox({ secret: SECRET, centerCode: CENTER });
    // the simulator's self-signed endpoint, as the local host reaches it (DEV_ALLOW_ENDPOINTS)
    outbound = createOutboundClient({ allow: new Set([hostPort(new URL(sim.origin))]), allowCa: sim.tls.cert });
    simAgent = new Agent({ connect: { ca: sim.tls.cert } });
  });

  afterEach(async () => {
    await outbound.close();
    await inbox.close();
    await sim.close();
    await simAgent.close();
  });

  it('passes against the center simulator, which finds nothing off the contract in what the suite sends', async () => {
    const report = await run();
    expect(failedChecks(report)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    for (const c of report.checks) expect(c.name).toMatch(/[\u4e00-\u9fa5]/);
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));

    // every delivery the simulator took was signed and followed the contract as the simulator reads it
    const taken = sim.received.filter((d) => d.answer !== 401);
    expect(taken.map((d) => [d.id, d.problems]).filter(([, problems]) => problems.length > 0)).toEqual([]);
    expect(taken.every((d) => d.verified && d.applicationId !== null && APPLICATION_ID_PATTERN.test(d.applicationId) && d.applicationId.startsWith('conformance'))).toBe(true);
    expect(sim.received.map((d) => [d.type, d.applicationType, d.role, d.answer, d.duplicate])).toEqual([
      ['application.submitted', 'transfer', 'transfer-in', 200, false],
      ['application.submitted', 'certificate-loan-cleared', 'business', 200, false],
      ['application.submitted', 'purchase-withdrawal', 'purchase', 200, false],
      ['application.submitted', 'service-request', 'business', 200, false],
      ['application.copy', 'certificate-loan-cleared', 'accepting', 200, false],
      ['application.submitted', 'transfer', 'transfer-in', 200, false],
      ['application.withdrawn', 'transfer', null, 200, false],
      ['application.completed', 'certificate-loan-cleared', null, 200, false],
      ['application.submitted', 'service-request', 'business', 401, false],
      ['application.submitted', 'service-request', 'business', 401, false],
      ['application.submitted', 'transfer', 'transfer-in', 200, false],
      ['application.submitted', 'transfer', 'transfer-in', 200, true],
    ]);
    // the repeat is the same webhook-id, and the simulator ran its script once
    const [first, again] = sim.received.slice(-2);
    expect(again.id).toBe(first.id);
    // the simulator notes a callback once the platform has answered it, which may be just after the suite has seen it
    await until('the simulator to note its fourth callback', async () => (first.callbacks.length >= 4 ? true : undefined), 10_000, 50);
    expect(first.callbacks.map((c) => c.status)).toEqual(['01', '02', '08', '00']);
    expect(again.callbacks).toEqual([]);

    // an obviously fictitious applicant with a resident ID of the right form, and complete test files
    expect(residentIdProblem(TEST_DOC_NUMBER, shanghaiDate(new Date()))).toBeUndefined();
    expect(taken[0]).toMatchObject({ applicantMasked: '****人', letterNumber: expect.stringMatching(new RegExp(`^T${CENTER}\\d{10}$`)) });
    expect(sniffAttachment(TEST_PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniffAttachment(TEST_JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    // and real files: the PDF opens with a page, the JPEG decodes, as the platform checks every document
    expect(await inspectFile(TEST_PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(await inspectFile(TEST_JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(taken[2].attachments).toEqual([
      expect.objectContaining({ kind: 'contract', contentType: 'application/pdf', sha256: sha256(TEST_PDF), size: TEST_PDF.length }),
      expect.objectContaining({ kind: 'invoice', contentType: 'image/jpeg', sha256: sha256(TEST_JPEG), size: TEST_JPEG.length }),
    ]);
    expect(taken[7].documents).toEqual([expect.objectContaining({ contentType: 'application/pdf', sha256: sha256(TEST_PDF) })]);
  });

  it('fails against the simulator told to skip signature checks, saying it does not verify', async () => {
    expect(await simControl('/_control/signatures', { verify: false })).toEqual({ status: 200, body: { ok: true, verify: false } });
    const report = await run();
    expect(report.passed).toBe(false);
    const failed = report.checks.filter((c) => !c.passed);
    expect(failed.map((c) => c.id)).toEqual(['refuse.bad-signature', 'refuse.stale-timestamp']);
    expect(failed[0].detail).toMatch(/HTTP 200.*未校验签名/);
    expect(failed[1].detail).toMatch(/HTTP 200.*未检查时间戳/);
    expect(sim.received.every((d) => !d.verified)).toBe(true);
  });

  it('names what is wrong with the callbacks: none in time, a status the type does not have, a change the platform refuses', async () => {
    sim.setScript('service-request', []);
    sim.setScript('certificate-loan-cleared', ['verified']);
    sim.setScript('transfer', ['02']);
    const report = await run({ callbackWaitMs: 1500 });
    expect(report.passed).toBe(false);
    const detail = Object.fromEntries(report.checks.filter((c) => !c.passed).map((c) => [c.id, c.detail]));
    expect(Object.keys(detail)).toEqual(['callbacks.transfer', 'callbacks.certificate-loan-cleared', 'callbacks.service-request']);
    expect(detail['callbacks.service-request']).toMatch(/1\.5 秒内未收到申请 conformance[a-z0-9]+ 的回调.*callbackUrl/);
    expect(detail['callbacks.certificate-loan-cleared']).toMatch(/回调 verified.*不是个人住房贷款全部还清证明的状态/);
    expect(detail['callbacks.transfer']).toMatch(/回调 02.*不能从“已送达中心”变为“02 联系函确认接收”.*422/);
  });

  it('passes a center that calls back at once and downloads the attachments seconds later, within the wait', async () => {
    // later than the suite's last step begins waiting (its callbacks have all come by then), well within the wait
    const worker = await startCenterSim({ secretFor: (code) => (code === CENTER ? SECRET : undefined), callbackDelayMs: 20, fetchAfterCallbacksMs: 6000 });
    const client = createOutboundClient({ allow: new Set([hostPort(new URL(worker.origin))]), allowCa: worker.tls.cert });
    try {
      const report = await runConformance({ centerCode: CENTER, url: worker.endpointFor(CENTER), secret: SECRET }, { outbound: client, inbox, callbackWaitMs: 15_000 });
      expect(failedChecks(report)).toEqual([]);
      expect(report.checks.find((c) => c.id === 'attachments.purchase-withdrawal')?.detail).toBe('已下载 测试购房合同.pdf、测试购房发票.jpg');
    } finally {
      await client.close();
      await worker.close();
    }
  });

  it('fails the callbacks a center signs with another secret', async () => {
    const otherInbox = await startCallbackInbox({ secret: newSecret(), centerCode: CENTER });
    try {
      // each script ends at the first refusal (401), so the repeated application never moves on: the wait runs out
      const report = await run({ inbox: otherInbox, callbackWaitMs: 2000 });
      const failed = report.checks.filter((c) => !c.passed);
      expect(failed.map((c) => c.id)).toEqual(['callbacks.transfer', 'callbacks.certificate-loan-cleared', 'callbacks.purchase-withdrawal', 'callbacks.service-request', 'attachments.purchase-withdrawal']);
      for (const c of failed.filter((f) => f.id.startsWith('callbacks.') && f.id !== 'callbacks.purchase-withdrawal')) expect(c.detail).toContain('签名校验未通过：签名无效');
      // its signed fetches of the attachments were refused, and the check says why
      expect(failed.at(-1)?.detail).toMatch(/未下载 测试购房合同\.pdf、测试购房发票\.jpg，平台拒绝了：HTTP 401（签名无效）/);
      // the center cannot even fetch the purchase's attachments (its signature is refused too), so it never calls back
      expect(failed.find((f) => f.id === 'callbacks.purchase-withdrawal')?.detail).toMatch(/秒内未收到申请 conformance[a-z0-9]+ 的回调/);
    } finally {
      await otherInbox.close();
    }
  });

  it('fails a center that takes a repeated delivery as a new application, naming the status reported twice', async () => {
    // a stand-in center behind the delivery client: verifies, answers 200, and calls back once for every delivery it is sent
    const first: Record<string, string> = { transfer: '01', 'certificate-loan-cleared': 'accepted', 'purchase-withdrawal': 'accepted', 'service-request': 'accepted' };
    const careless: OutboundClient = {
      async postJson(_url, body, headers) {
        if (!verifySigned([SECRET], body, headers).ok) return { kind: 'answered', status: 401, retryAfterSeconds: undefined };
        const delivery = JSON.parse(body) as { type: string; data: { applicationId: string; applicationType: string; callbackUrl: string } };
        if (delivery.type === 'application.submitted') {
          const callback = JSON.stringify({ type: 'application.status', data: { applicationId: delivery.data.applicationId, status: first[delivery.data.applicationType] } });
          const signed = signHeaders([SECRET], newWebhookId(), new Date(), callback);
          await (await request(delivery.data.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body: callback })).body.dump();
        }
        return { kind: 'answered', status: 200, retryAfterSeconds: undefined };
      },
      close: async () => undefined,
    };
    const report = await runConformance(target(), { outbound: careless, inbox, callbackWaitMs: 1000 });
    const failed = report.checks.filter((c) => !c.passed);
    // (it never fetches the purchase's attachments either: that check fails on its own, saying what to do)
    expect(failed.map((c) => c.id)).toEqual(['repeat.same-webhook-id', 'attachments.purchase-withdrawal']);
    expect(failed[0].detail).toMatch(/两次推送答复 HTTP 200、HTTP 200，但回调中 01 报了 2 次：重复的推送被当作新申请又办理了一次/);
    expect(failed[1].detail).toMatch(/^未下载 测试购房合同\.pdf、测试购房发票\.jpg：收到推送后请按第 4\.10 节/);
  });

  it('takes callbacks as the platform answers them, keeping each one for the suite', async () => {
    const post = async (code: string, body: string, secret = SECRET, id = `msg_${Math.random().toString(36).slice(2)}`) => {
      const at = new Date();
      const res = await request(`${inbox.callbackBase}/callbacks/${code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) },
        body,
      });
      return { status: res.statusCode, body: (await res.body.json()) as { ok: boolean; code?: string; data?: unknown } };
    };
    const good = JSON.stringify({ type: 'application.status', data: { applicationId: 'conformancetest0001', status: 'accepted' } });
    expect(await post(CENTER, good, SECRET, 'msg_one')).toEqual({ status: 200, body: { ok: true, data: { changed: true } } });
    expect(await post(CENTER, good, SECRET, 'msg_one')).toEqual({ status: 200, body: { ok: true, data: { changed: false } } });
    expect((await post(CENTER, good, newSecret())).body).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    const offContract = JSON.stringify({ type: 'application.status', data: { applicationId: 'conformancetest0001', status: 'completed', documents: [{ name: 'a.pdf', contentType: 'application/pdf', sha256: sha256(Buffer.from('other')), contentBase64: TEST_PDF.toString('base64') }] } });
    expect(await post(CENTER, offContract)).toMatchObject({ status: 400, body: { ok: false, code: 'VALIDATION_FAILED' } });
    expect((await post('320100', good)).status).toBe(404);

    expect(await inbox.received('conformancetest0001')).toEqual([
      { webhookId: 'msg_one', status: 'accepted', at: expect.any(String), signatureValid: true, problems: [] },
      { webhookId: 'msg_one', status: 'accepted', at: expect.any(String), signatureValid: true, problems: [] },
      { webhookId: expect.any(String), status: 'accepted', at: expect.any(String), signatureValid: false, problems: ['签名无效'] },
      { webhookId: expect.any(String), status: 'completed', at: expect.any(String), signatureValid: true, problems: [expect.stringMatching(/^data\.documents\.0\.sha256：与文件内容不符/)] },
    ]);
  });

  describe('the CLI (npm run center:conformance)', () => {
    let dir: string;
    let caFile: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'conformance-'));
      caFile = path.join(dir, 'sim-ca.pem');
      writeFileSync(caFile, sim.tls.cert);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 0 against the simulator, printing each check with ✓', async () => {
      const out = await cli(['--url', sim.endpointFor(CENTER), '--secret', SECRET, '--ca', caFile, '--wait', '10']);
      expect(out.stderr).not.toMatch(/参数有误|意外中止/);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`中心接口联调测试：中心 ${CENTER}`);
      expect(out.stdout.match(/^✓ /gm)).toHaveLength(CHECK_IDS.length);
      expect(out.stdout).toContain(`全部 ${CHECK_IDS.length} 项通过`);
    });

    it('exits 1 against the simulator that skips signature checks, naming the checks that failed and why', async () => {
      sim.setVerifySignatures(false);
      const out = await cli(['--url', sim.endpointFor(CENTER), '--secret', SECRET, '--center', CENTER, '--ca', caFile, '--wait', '10']);
      expect(out.code).toBe(1);
      expect(out.stdout).toMatch(/^✗ 拒绝签名错误的推送.*\n {4}.*未校验签名/m);
      expect(out.stdout).toMatch(/^✗ 拒绝时间戳过期的推送.*\n {4}.*未检查时间戳/m);
      expect(out.stdout).toContain('15 项中有 2 项未通过');
    });

    it('exits 2 on bad arguments, naming the argument', async () => {
      const missing = await cli(['--url', sim.endpointFor(CENTER)]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('缺少 --secret');
      expect(missing.stderr).toContain('用法：npm run center:conformance');
      const http = await cli(['--url', 'http://example.cn/hook', '--secret', SECRET, '--center', CENTER]);
      expect([http.code, http.stderr]).toEqual([2, expect.stringContaining('--url 应为 https 地址')]);
      const unknown = await cli(['--url', sim.endpointFor(CENTER), '--secret', SECRET, '--centre', CENTER]);
      expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('不认识的参数 --centre')]);
    });
  });
});
