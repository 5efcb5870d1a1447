import { openWechat, WechatApiError } from '../../../cloudfunctions/_lib/wechat';

describe('openWechat', () => {
  it('refuses the simulator in a production build', () => {
    expect(() => openWechat({ WECHAT_MODE: 'simulator' }, { productionBuild: true })).toThrow('WECHAT_MODE=simulator is refused in a production build');
  });

  it('gives the simulator outside a production build, loaded on first use', async () => {
    const api = openWechat({ WECHAT_MODE: 'simulator' }, { productionBuild: false });
    await expect(api.getPhoneNumber('sim-phone-13800138000')).resolves.toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    await expect(api.getPhoneNumber('nonsense')).rejects.toBeInstanceOf(WechatApiError);
  });

  it('makes mini-program codes through the simulator too: a PNG QR code', async () => {
    const api = openWechat({ WECHAT_MODE: 'simulator' }, { productionBuild: false });
    const png = await api.getUnlimitedCode({ scene: 'c=321000', page: 'pages/center/index' });
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('refuses an unknown WECHAT_CODE_VERSION', () => {
    expect(() => openWechat({ WECHAT_APPID: 'wx1', WECHAT_APPSECRET: 's', WECHAT_CODE_VERSION: 'beta' }, { productionBuild: false })).toThrow("WECHAT_CODE_VERSION must be 'release', 'trial' or 'develop', not 'beta'");
  });

  it('names WECHAT_APPID when real mode (the default) lacks it', () => {
    expect(() => openWechat({ WECHAT_APPSECRET: 's' }, { productionBuild: true })).toThrow('WECHAT_APPID');
    expect(() => openWechat({ WECHAT_MODE: 'real', WECHAT_APPID: ' ', WECHAT_APPSECRET: 's' }, { productionBuild: false })).toThrow('WECHAT_APPID');
  });

  it('names WECHAT_APPSECRET when real mode lacks it', () => {
    expect(() => openWechat({ WECHAT_APPID: 'wx123' }, { productionBuild: true })).toThrow('WECHAT_APPSECRET');
  });

  it('gives the real client when appid and secret are set, the same one for the same app', () => {
    const a = openWechat({ WECHAT_APPID: 'wx123', WECHAT_APPSECRET: 's' }, { productionBuild: true });
    expect(typeof a.getVerifyId).toBe('function');
    expect(openWechat({ WECHAT_MODE: 'real', WECHAT_APPID: 'wx123', WECHAT_APPSECRET: 's' }, { productionBuild: true })).toBe(a);
  });

  it('refuses an unknown WECHAT_MODE', () => {
    expect(() => openWechat({ WECHAT_MODE: 'mock', WECHAT_APPID: 'wx123', WECHAT_APPSECRET: 's' }, { productionBuild: false })).toThrow('WECHAT_MODE');
  });
});
