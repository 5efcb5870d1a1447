import type { CenterLink } from '../../src/core/centers';
import { counterRoute, isHttpsUrl, isOpenable, resolveJump } from '../../src/core/jump';

const web = (url: string, healthy = true): CenterLink => ({ item: 1, kind: 'web', url, healthy });
const PHONE = '0514-12329';
/** The mini-program's business domains in these cases. */
const DOMAINS = new Set(['gjj.yangzhou.gov.cn', 'a.cn']);

describe('resolving a fully-online jump', () => {
  it('opens a healthy https link of a live center', () => {
    expect(resolveJump({ live: true, phone: PHONE }, [web('https://gjj.yangzhou.gov.cn/hall')], 1, DOMAINS)).toEqual({ kind: 'web', url: 'https://gjj.yangzhou.gov.cn/hall' });
  });

  it('opens a mini-program link with its appId and path', () => {
    const link: CenterLink = { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true };
    expect(resolveJump({ live: true, phone: PHONE }, [link], 3, DOMAINS)).toEqual({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index' });
  });

  it.each([
    ['a center not yet live', false, [web('https://a.cn')], 'not-live'],
    ['no link for the item', true, [], 'missing'],
    ['a plain http link', true, [web('http://a.cn')], 'insecure'],
    ['a malformed link', true, [web('not a url')], 'insecure'],
    ['an unhealthy link', true, [web('https://a.cn', false)], 'unhealthy'],
  ] as const)('never makes a dead jump: %s is unavailable with a reason', (_case, live, links, reason) => {
    const target = resolveJump({ live, phone: PHONE }, links, 1, DOMAINS);
    expect(target).toMatchObject({ kind: 'unavailable', reason });
    expect(target.kind === 'unavailable' && target.message.length).toBeGreaterThan(5);
  });

  it.each(['in-app', 'counter'] as const)('routes an item the center declared %s to that route, with what it means', (kind) => {
    const target = resolveJump({ live: true, phone: PHONE }, [web('https://a.cn'), { item: 5, kind }], 5, DOMAINS);
    expect(target).toMatchObject({ kind, message: expect.stringContaining('暂未开通此事项的全程网办') });
    expect(resolveJump({ live: true, phone: PHONE }, [{ item: 5, kind }], 4, DOMAINS)).toMatchObject({ kind: 'unavailable', reason: 'missing' });
  });

  it('keeps a center not yet live unavailable even where it declared a route', () => {
    expect(resolveJump({ live: false, phone: PHONE }, [{ item: 5, kind: 'in-app' }], 5, DOMAINS)).toMatchObject({ kind: 'unavailable', reason: 'not-live' });
  });

  it('opens only web and mini-program targets itself', () => {
    expect(isOpenable({ kind: 'web', url: 'https://a.cn' })).toBe(true);
    expect(isOpenable({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'p' })).toBe(true);
    expect(isOpenable(resolveJump({ live: true, phone: PHONE }, [{ item: 5, kind: 'in-app' }], 5, DOMAINS))).toBe(false);
    expect(isOpenable(resolveJump({ live: true, phone: PHONE }, [], 5, DOMAINS))).toBe(false);
  });

  it('takes the link of the item asked for, not another item', () => {
    expect(resolveJump({ live: true, phone: PHONE }, [{ ...web('https://a.cn'), item: 4 }], 1, DOMAINS)).toMatchObject({ reason: 'missing' });
  });

  describe('a web link whose domain is not a business domain of the mini-program (issue 16 point 1)', () => {
    const hall = 'https://wsbs.gjj.example.gov.cn/hall?item=1';

    it('never opens it in the web-view: the link is to copy, saying why, how to open it, and the center’s phone', () => {
      const target = resolveJump({ live: true, phone: PHONE }, [web(hall)], 1, DOMAINS);
      expect(target).toEqual({ kind: 'copy', url: hall, message: expect.stringContaining('不能在本小程序内打开') });
      expect(target.kind === 'copy' && target.message).toContain('复制');
      expect(target.kind === 'copy' && target.message).toContain('浏览器');
      expect(target.kind === 'copy' && target.message).toContain(PHONE);
      expect(isOpenable(target)).toBe(false);
    });

    it('offers the center’s own mini-program (its home page) when the center registered one for any item, saying why and which item to look for, with the link to copy instead', () => {
      const own: CenterLink = { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true };
      expect(resolveJump({ live: true, phone: PHONE }, [web(hall), own], 1, DOMAINS)).toEqual({
        kind: 'miniprogram',
        appId: 'wx0123456789abcdef',
        path: '',
        message: '该中心的网上办事大厅暂不能在本小程序内打开，将为您打开该中心的微信小程序，请在其中找到“缴存贷款信息查询”办理。',
        url: hall,
      });
    });

    it('does not offer the center’s mini-program while its link is unhealthy: the link is to copy', () => {
      const own: CenterLink = { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: false };
      expect(resolveJump({ live: true, phone: PHONE }, [web(hall), own], 1, DOMAINS)).toMatchObject({ kind: 'copy', url: hall });
    });

    it('compares the domain without case, port or trailing dot, and opens a subdomain of a business domain, as WeChat does', () => {
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://GJJ.Yangzhou.gov.cn./hall')], 1, DOMAINS)).toMatchObject({ kind: 'web' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://wx.gjj.yangzhou.gov.cn/hall')], 1, DOMAINS)).toMatchObject({ kind: 'web' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://yangzhou.gov.cn/hall')], 1, DOMAINS)).toMatchObject({ kind: 'copy' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://xgjj.yangzhou.gov.cn/hall')], 1, DOMAINS)).toMatchObject({ kind: 'copy' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://gov.cn/hall')], 1, new Set(['cn']))).toMatchObject({ kind: 'copy' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('https://gjj.yangzhou.gov.cn/hall')], 1, new Set())).toMatchObject({ kind: 'copy' });
    });

    it('still says unavailable first for an unhealthy or plain http link', () => {
      expect(resolveJump({ live: true, phone: PHONE }, [web(hall, false)], 1, DOMAINS)).toMatchObject({ kind: 'unavailable', reason: 'unhealthy' });
      expect(resolveJump({ live: true, phone: PHONE }, [web('http://wsbs.gjj.example.gov.cn/')], 1, DOMAINS)).toMatchObject({ kind: 'unavailable', reason: 'insecure' });
    });
  });

  it('accepts only https URLs', () => {
    expect(isHttpsUrl('https://a.cn/x')).toBe(true);
    expect(isHttpsUrl('HTTPS://A.CN')).toBe(true);
    expect(isHttpsUrl('http://a.cn')).toBe(false);
    expect(isHttpsUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpsUrl('')).toBe(false);
  });

  it('names the center and its phone in the counter route, and says to ask for the address when it is not known', () => {
    const route = counterRoute({ name: '扬州市住房公积金管理中心', phone: '0514-12329', counter: null });
    expect(route).toContain('扬州市住房公积金管理中心');
    expect(route).toContain('0514-12329');
    expect(route).toContain('地址和办公时间请拨打');
  });

  it('gives the service hall address and hours in the counter route when the center recorded them', () => {
    const counter = { address: '扬州市文昌西路 1 号', hours: '工作日 9:00-17:00' };
    const route = counterRoute({ name: '扬州市住房公积金管理中心', phone: '0514-12329', counter });
    expect(route).toContain('扬州市文昌西路 1 号');
    expect(route).toContain('工作日 9:00-17:00');
    expect(route).toContain('0514-12329');
    expect(route).not.toContain('地址和办公时间请拨打');
  });
});
