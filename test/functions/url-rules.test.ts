import { hostsLookup, type HostLookup } from '../../cloudfunctions/_lib/delivery/http';
import { urlRefusal } from '../../cloudfunctions/_lib/centers/url-rules';

/**
 * The URL rules for centers' links and endpoints (issue 6, part 4), with names resolved by a table so no
 * test needs the network.
 */
const PUBLIC_V4 = '36.112.10.20';
const PUBLIC_V6 = '240e:3b0:9000::20';
const NAMES: Readonly<Record<string, readonly string[]>> = {
  'gjj.yangzhou.gov.cn': [PUBLIC_V4],
  'dual.gjj.example.cn': [PUBLIC_V4, PUBLIC_V6],
  'evil.example': ['127.0.0.1'],
  'intranet.example': ['10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  'half.example': [PUBLIC_V4, '192.168.0.10'],
  'v6-loopback.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'unspecified.example': ['0.0.0.0'],
};
const lookup: HostLookup = async (hostname) => {
  const addresses = NAMES[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses;
};

describe('urlRefusal', () => {
  const refused: [string, RegExp][] = [
    ['https://2130706433/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://0177.0.0.1/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://0x7f.0.0.1/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://0x7f000001/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://017700000001/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://127.1/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://127.0.0.1./', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://%31%32%37.0.0.1/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://127。0。0。1/', /不能直接使用 IP 地址（127\.0\.0\.1）/],
    ['https://10.0.0.1/', /不能直接使用 IP 地址/],
    ['https://36.112.10.20/', /不能直接使用 IP 地址（36\.112\.10\.20）/],
    ['https://[::1]/', /不能直接使用 IP 地址（\[::1\]）/],
    ['https://[::ffff:127.0.0.1]/', /不能直接使用 IP 地址（\[::ffff:7f00:1\]）/],
    ['https://[::ffff:7f00:1]/', /不能直接使用 IP 地址（\[::ffff:7f00:1\]）/],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', /不能直接使用 IP 地址/],
    ['https://[::127.0.0.1]/', /不能直接使用 IP 地址/],
    ['https://[240e:3b0:9000::20]/', /不能直接使用 IP 地址/],
    ['https://evil.example/', /域名 evil\.example 解析到的地址 127\.0\.0\.1 不是公网地址（loopback）/],
    ['https://intranet.example/x', /解析到的地址 10\.1\.2\.3 不是公网地址（private）/],
    ['https://metadata.example/latest', /解析到的地址 169\.254\.169\.254 不是公网地址（linkLocal）/],
    ['https://half.example/', /解析到的地址 192\.168\.0\.10 不是公网地址/],
    ['https://v6-loopback.example/', /解析到的地址 ::1 不是公网地址/],
    ['https://mapped.example/', /解析到的地址 ::ffff:127\.0\.0\.1 不是公网地址/],
    ['https://unspecified.example/', /解析到的地址 0\.0\.0\.0 不是公网地址/],
    ['http://gjj.yangzhou.gov.cn/', /只允许 https/],
    ['ftp://gjj.yangzhou.gov.cn/', /只允许 https/],
    ['javascript:alert(1)', /只允许 https/],
    ['https://gjj.yangzhou.gov.cn:8443/', /只允许默认的 443 端口，不能使用 8443 端口/],
    ['https://gjj.yangzhou.gov.cn:80/', /不能使用 80 端口/],
    ['https://admin:secret@gjj.yangzhou.gov.cn/', /用户名或密码/],
    ['https://admin@gjj.yangzhou.gov.cn/', /用户名或密码/],
    ['https://gjj.yangzhou.gov.cn@evil.example/', /用户名或密码/],
    ['gjj.yangzhou.gov.cn/index.html', /不是有效的网址/],
    ['https://foo.123/', /不是有效的网址/],
  ];

  it.each(refused)('refuses %s and says why', async (url, reason) => {
    expect(await urlRefusal(url, { lookup })).toMatch(reason);
  });

  it.each(['https://gjj.yangzhou.gov.cn/', 'https://gjj.yangzhou.gov.cn:443/wx/query?item=1#top', 'https://dual.gjj.example.cn/h5', 'https://GJJ.Yangzhou.gov.cn/'])(
    'accepts %s, a public https name on port 443',
    async (url) => {
      expect(await urlRefusal(url, { lookup })).toBeUndefined();
    },
  );

  it('refuses a name that does not resolve in words a person can act on, and says when DNS could not be asked', async () => {
    expect(await urlRefusal('https://new.gjj.example.cn/', { lookup })).toBe('域名 new.gjj.example.cn 无法解析，请检查拼写或确认域名已生效');
    expect(await urlRefusal('https://empty.gjj.example.cn/', { lookup: async () => [] })).toBe('域名 empty.gjj.example.cn 无法解析，请检查拼写或确认域名已生效');
    const timeout: HostLookup = async () => {
      throw Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' });
    };
    expect(await urlRefusal('https://gjj.yangzhou.gov.cn/', { lookup: timeout })).toBe('暂时无法解析域名 gjj.yangzhou.gov.cn（ETIMEOUT），请稍后再试');
  });

  it('resolves the names a hosts map has from it (the local host, DEV_HOSTS), others as before, and still refuses private addresses', async () => {
    const hosts = new Map([
      ['hall.demo.example.cn', ['36.112.10.21']],
      ['lan.demo.example.cn', ['192.168.1.5']],
    ]);
    const mapped = hostsLookup(hosts, lookup);
    expect(await urlRefusal('https://HALL.demo.example.cn/1', { lookup: mapped })).toBeUndefined();
    expect(await urlRefusal('https://lan.demo.example.cn/1', { lookup: mapped })).toMatch(/192\.168\.1\.5 不是公网地址/);
    expect(await urlRefusal('https://gjj.yangzhou.gov.cn/', { lookup: mapped })).toBeUndefined();
    expect(await urlRefusal('https://new.gjj.example.cn/', { lookup: mapped })).toMatch(/无法解析，请检查拼写/);
  });

  it('resolves with the system resolver by default, so localhost is refused', async () => {
    expect(await urlRefusal('https://localhost/')).toMatch(/域名 localhost 解析到的地址 (127\.0\.0\.1|::1) 不是公网地址/);
  });

  it('lets an allow-listed host:port through the port, IP and address rules, but not through https or userinfo', async () => {
    const allow = new Set(['127.0.0.1:8443']);
    expect(await urlRefusal('https://127.0.0.1:8443/hook', { lookup, allow })).toBeUndefined();
    expect(await urlRefusal('https://127.0.0.1:8444/hook', { lookup, allow })).toMatch(/8444 端口/);
    expect(await urlRefusal('https://127.0.0.1/hook', { lookup, allow })).toMatch(/不能直接使用 IP 地址/);
    expect(await urlRefusal('http://127.0.0.1:8443/hook', { lookup, allow })).toMatch(/只允许 https/);
    expect(await urlRefusal('https://u:p@127.0.0.1:8443/hook', { lookup, allow })).toMatch(/用户名或密码/);
  });
});
