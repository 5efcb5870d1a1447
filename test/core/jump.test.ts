import type { CenterLink } from '../../src/core/centers';
import { counterRoute, isHttpsUrl, isOpenable, resolveJump } from '../../src/core/jump';

const web = (url: string, healthy = true): CenterLink => ({ item: 1, kind: 'web', url, healthy });

describe('resolving a fully-online jump', () => {
  it('opens a healthy https link of a live center', () => {
    expect(resolveJump({ live: true }, [web('https://gjj.yangzhou.gov.cn/hall')], 1)).toEqual({ kind: 'web', url: 'https://gjj.yangzhou.gov.cn/hall' });
  });

  it('opens a mini-program link with its appId and path', () => {
    const link: CenterLink = { item: 3, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index', healthy: true };
    expect(resolveJump({ live: true }, [link], 3)).toEqual({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/retire/index' });
  });

  it.each([
    ['a center not yet live', false, [web('https://a.cn')], 'not-live'],
    ['no link for the item', true, [], 'missing'],
    ['a plain http link', true, [web('http://a.cn')], 'insecure'],
    ['a malformed link', true, [web('not a url')], 'insecure'],
    ['an unhealthy link', true, [web('https://a.cn', false)], 'unhealthy'],
  ] as const)('never makes a dead jump: %s is unavailable with a reason', (_case, live, links, reason) => {
    const target = resolveJump({ live }, links, 1);
    expect(target).toMatchObject({ kind: 'unavailable', reason });
    expect(target.kind === 'unavailable' && target.message.length).toBeGreaterThan(5);
  });

  it.each(['in-app', 'counter'] as const)('routes an item the center declared %s to that route, with what it means', (kind) => {
    const target = resolveJump({ live: true }, [web('https://a.cn'), { item: 5, kind }], 5);
    expect(target).toMatchObject({ kind, message: expect.stringContaining('暂未开通此事项的全程网办') });
    expect(resolveJump({ live: true }, [{ item: 5, kind }], 4)).toMatchObject({ kind: 'unavailable', reason: 'missing' });
  });

  it('keeps a center not yet live unavailable even where it declared a route', () => {
    expect(resolveJump({ live: false }, [{ item: 5, kind: 'in-app' }], 5)).toMatchObject({ kind: 'unavailable', reason: 'not-live' });
  });

  it('opens only web and mini-program targets itself', () => {
    expect(isOpenable({ kind: 'web', url: 'https://a.cn' })).toBe(true);
    expect(isOpenable({ kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'p' })).toBe(true);
    expect(isOpenable(resolveJump({ live: true }, [{ item: 5, kind: 'in-app' }], 5))).toBe(false);
    expect(isOpenable(resolveJump({ live: true }, [], 5))).toBe(false);
  });

  it('takes the link of the item asked for, not another item', () => {
    expect(resolveJump({ live: true }, [{ ...web('https://a.cn'), item: 4 }], 1)).toMatchObject({ reason: 'missing' });
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
