import { certHash, type CertInfo } from '../../../cloudfunctions/_lib/wechat/cert-hash';
import { isVerified, WechatApiError } from '../../../cloudfunctions/_lib/wechat/client';
import { createWechatSimulator, SIMULATOR_ERRCODES } from '../../../cloudfunctions/_lib/wechat/simulator';

const cert: CertInfo = { certType: 'IDENTITY_CARD', certName: '张三', certNo: '310101199801011234' };
const openid = 'o-user-1';

function setup() {
  let clock = 1_700_000_000_000;
  const sim = createWechatSimulator({ now: () => clock });
  const advance = (seconds: number) => {
    clock += seconds * 1000;
  };
  const start = async (outSeqNo = 'seq-00001') => {
    const { verifyId, expiresIn } = await sim.getVerifyId({ outSeqNo, cert, openid });
    return { verifyId, expiresIn, query: { verifyId, outSeqNo, certHash: certHash(cert), openid } };
  };
  return { sim, advance, start };
}

describe('the WeChat simulator', () => {
  it('passes by default: errcode 0, verify_ret 10000', async () => {
    const { sim, start } = setup();
    const { query, expiresIn } = await start();
    expect(expiresIn).toBe(3600);
    expect(sim.issued()).toBe(1);
    const res = await sim.queryVerifyInfo(query);
    expect(res).toMatchObject({ errcode: 0, verifyRet: 10000 });
    expect(isVerified(res)).toBe(true);
  });

  it("answers 'fail' with errcode 0 and verify_ret 90011, which is not verified", async () => {
    const { sim, start } = setup();
    const { query } = await start();
    sim.setOutcome('fail');
    const res = await sim.queryVerifyInfo(query);
    expect(res).toMatchObject({ errcode: 0, verifyRet: 90011 });
    expect(isVerified(res)).toBe(false);
  });

  it("answers 'expired' with the expired-verify_id errcode", async () => {
    const { sim, start } = setup();
    const { query } = await start();
    sim.setOutcome('expired');
    const res = await sim.queryVerifyInfo(query);
    expect(res.errcode).toBe(SIMULATOR_ERRCODES.expiredVerifyId);
    expect(res.verifyRet).toBeUndefined();
  });

  it("throws WechatApiError(-1, 'timeout') for 'timeout', like the client on a network timeout", async () => {
    const { sim, start } = setup();
    const { query } = await start();
    sim.setOutcome('timeout');
    const error = await sim.queryVerifyInfo(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: -1, message: 'timeout' });
  });

  it('expires a verify_id more than 3600 s after issue by its clock', async () => {
    const { sim, start, advance } = setup();
    const { query } = await start();
    advance(3600);
    expect((await sim.queryVerifyInfo(query)).errcode).toBe(0);
    advance(1);
    expect((await sim.queryVerifyInfo(query)).errcode).toBe(SIMULATOR_ERRCODES.expiredVerifyId);
  });

  it('refuses a query whose openid, out_seq_no or cert_hash is not the issued one, and an unknown verify_id', async () => {
    const { sim, start } = setup();
    const { query } = await start();
    const other = certHash({ ...cert, certNo: '310101199801011235' });
    for (const bad of [{ ...query, openid: 'o-someone-else' }, { ...query, outSeqNo: 'seq-00002' }, { ...query, certHash: other }, { ...query, verifyId: 'sim-verify-unknown' }]) {
      const res = await sim.queryVerifyInfo(bad);
      expect(res.errcode).not.toBe(0);
      expect(res.verifyRet).toBeUndefined();
    }
    expect((await sim.queryVerifyInfo({ ...query, verifyId: 'nope' })).errcode).toBe(SIMULATOR_ERRCODES.unknownVerifyId);
    expect((await sim.queryVerifyInfo({ ...query, openid: 'x' })).errcode).toBe(SIMULATOR_ERRCODES.invalidOpenid);
    // the right query still passes
    expect(isVerified(await sim.queryVerifyInfo(query))).toBe(true);
  });

  it('refuses a reused out_seq_no and one WeChat would not accept', async () => {
    const { sim, start } = setup();
    await start('seq-00001');
    await expect(sim.getVerifyId({ outSeqNo: 'seq-00001', cert, openid: 'o-user-2' })).rejects.toMatchObject({ errcode: SIMULATOR_ERRCODES.invalidArgs, message: 'out_seq_no already used' });
    await expect(sim.getVerifyId({ outSeqNo: 'abc', cert, openid })).rejects.toBeInstanceOf(WechatApiError);
    await expect(sim.getVerifyId({ outSeqNo: 'has space 1', cert, openid })).rejects.toBeInstanceOf(WechatApiError);
    expect(sim.issued()).toBe(1);
  });

  it('exchanges phone codes: set codes, sim-phone-<11 digits>, and refuses anything else with 40029', async () => {
    const { sim } = setup();
    sim.setPhone('code-1', '13900001111');
    await expect(sim.getPhoneNumber('code-1')).resolves.toEqual({ phoneNumber: '13900001111', purePhoneNumber: '13900001111', countryCode: '86' });
    await expect(sim.getPhoneNumber('sim-phone-13800138000')).resolves.toMatchObject({ purePhoneNumber: '13800138000' });
    for (const code of ['code-2', 'sim-phone-1380013800', 'sim-phone-138001380001', 'sim-phone-1380013800a']) {
      await expect(sim.getPhoneNumber(code)).rejects.toMatchObject({ errcode: 40029, message: 'invalid code' });
    }
  });

  it('makes a real QR code PNG of the page and its scene, recording each code asked for', async () => {
    const { sim } = setup();
    const png = await sim.getUnlimitedCode({ scene: 't=ABCD2345', page: 'packages/trial/join/index', width: 300 });
    const { toBuffer } = await import('qrcode');
    expect(Buffer.from(png)).toEqual(await toBuffer('packages/trial/join/index?scene=t%3DABCD2345', { type: 'png', width: 300, margin: 2 }));
    expect(sim.codesMade()).toEqual([{ scene: 't=ABCD2345', page: 'packages/trial/join/index', width: 300 }]);
  });

  it('refuses a scene longer than 32 characters or with characters WeChat does not take, and a page with a leading slash', async () => {
    const { sim } = setup();
    await expect(sim.getUnlimitedCode({ scene: 'x'.repeat(33), page: 'pages/center/index' })).rejects.toMatchObject({ errcode: 40169 });
    await expect(sim.getUnlimitedCode({ scene: 'c=中心', page: 'pages/center/index' })).rejects.toMatchObject({ errcode: 40169 });
    await expect(sim.getUnlimitedCode({ scene: 'c=321000', page: '/pages/center/index' })).rejects.toMatchObject({ errcode: 41030 });
    expect(sim.codesMade()).toEqual([]);
  });
});
