import { randomBytes } from 'node:crypto';
import { generate } from 'selfsigned';

export interface Tls {
  key: string;
  cert: string;
}

/**
 * A fresh self-signed certificate for localhost and 127.0.0.1, made at start and never written to disk. Its
 * subject names it uniquely: OpenSSL finds a trusted certificate by subject, so a second `CN=localhost` in the
 * same trust list (a center's own, from NODE_EXTRA_CA_CERTS) would hide one of them.
 */
export async function selfSignedTls(): Promise<Tls> {
  const unique = `center-sim ${randomBytes(8).toString('hex')}`;
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: unique }], {
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
