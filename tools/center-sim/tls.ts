import { generate } from 'selfsigned';

export interface Tls {
  key: string;
  cert: string;
}

/** A fresh self-signed certificate for localhost and 127.0.0.1, made at start and never written to disk. */
export async function selfSignedTls(): Promise<Tls> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
