import type { LookupAddress } from 'node:dns';
import { probeLinks } from '../../cloudfunctions/_lib/centers/probe';
import { createOutboundClient, guardedLookup, UnsafeAddressError, type HostLookup } from '../../cloudfunctions/_lib/delivery/http';

/**
 * The connect-time side of the local host's DEV_HOSTS map (issue 16): every outbound agent resolves the names the map
 * has from it, refuses what it maps to a private address, and leaves other names to DNS.
 */
const hosts = new Map([
  ['a.demo.cn', ['36.112.10.20']],
  ['b.demo.cn', ['10.0.0.8']],
]);

type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };
const resolve = (name: string, options: object) =>
  new Promise<Answer>((done) => guardedLookup(hosts)(name, options, (error, address, family) => done({ error, address, family })));

describe('guardedLookup with a hosts map', () => {
  it('answers a mapped public name from the map, family 4, with and without all', async () => {
    expect(await resolve('a.demo.cn', {})).toEqual({ error: null, address: '36.112.10.20', family: 4 });
    expect(await resolve('A.Demo.cn', { all: true })).toEqual({ error: null, address: [{ address: '36.112.10.20', family: 4 }], family: undefined });
  });

  it('refuses a name the map sends to a private address', async () => {
    const { error } = await resolve('b.demo.cn', {});
    expect(error).toBeInstanceOf(UnsafeAddressError);
    expect(error?.message).toContain('10.0.0.8 不是公网地址');
  });

  it('leaves a name the map does not have to DNS (localhost: a loopback address, refused)', async () => {
    const { error } = await resolve('localhost', {});
    expect(error).toBeInstanceOf(UnsafeAddressError);
    expect(error?.message).toMatch(/(127\.0\.0\.1|::1) 不是公网地址/);
  });
});

describe('every outbound caller connects through the map', () => {
  // the URL rules see a public address: only the connector, resolving from the map, can refuse
  const lookup: HostLookup = async () => ['36.112.10.21'];

  it('the daily probe records the connector’s refusal of a mapped private address', async () => {
    const [result] = await probeLinks([{ id: 'b', url: 'https://b.demo.cn/hall' }], { lookup, hosts, timeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: false, status: null, error: '地址 10.0.0.8 不是公网地址（private），不允许访问' });
  });

  it('a delivery fails with the connector’s refusal of a mapped private address', async () => {
    const client = createOutboundClient({ hosts, timeoutMs: 5_000 });
    try {
      expect(await client.postJson('https://b.demo.cn/hooks', '{}', {})).toEqual({ kind: 'failed', error: '地址 10.0.0.8 不是公网地址（private），不允许访问' });
    } finally {
      await client.close();
    }
  });
});
