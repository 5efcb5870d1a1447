import { generateKeyringEnv, lookupHash, open, parseKeyring, seal, sealedAs } from '../../cloudfunctions/_lib/crypto/personal-data';

const ID = '11010519491231002X';

describe('personal data at rest', () => {
  it('seals with AES-256-GCM so the plaintext appears nowhere in the stored value, and opens it again', () => {
    const keyring = parseKeyring(generateKeyringEnv());
    const sealed = seal(keyring, sealedAs.docNumber('o1'), ID);
    expect(sealed).not.toContain(ID);
    expect(Buffer.from(sealed.split('.')[4], 'base64url').toString('latin1')).not.toContain(ID);
    expect(open(keyring, sealedAs.docNumber('o1'), sealed)).toBe(ID);
    expect(seal(keyring, sealedAs.docNumber('o1'), ID)).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses a tampered value or one moved to another field', () => {
    const keyring = parseKeyring(generateKeyringEnv());
    const sealed = seal(keyring, sealedAs.docNumber('o1'), ID);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    parts[4] = body.toString('base64url');
    expect(() => open(keyring, sealedAs.docNumber('o1'), parts.join('.'))).toThrow();
    expect(() => open(keyring, sealedAs.phone('o1'), sealed)).toThrow();
  });

  it('rotates keys: values sealed with the old key still open, new ones use the new key', () => {
    const old = generateKeyringEnv('k1');
    const before = parseKeyring(old);
    const sealedOld = seal(before, sealedAs.phone('o1'), '13812345678');
    const next = generateKeyringEnv('k2');
    const after = parseKeyring({ PII_KEYS: `${next.PII_KEYS},${old.PII_KEYS}`, PII_LOOKUP_KEY: old.PII_LOOKUP_KEY });
    expect(open(after, sealedAs.phone('o1'), sealedOld)).toBe('13812345678');
    expect(sealedOld.split('.')[1]).toBe('k1');
    const sealedNew = seal(after, sealedAs.phone('o1'), '13812345678');
    expect(sealedNew.split('.')[1]).toBe('k2');
    // once k1 is dropped from the keyring, what it sealed no longer opens: re-seal before removing a key
    const withoutOld = parseKeyring({ PII_KEYS: next.PII_KEYS, PII_LOOKUP_KEY: old.PII_LOOKUP_KEY });
    expect(() => open(withoutOld, sealedAs.phone('o1'), sealedOld)).toThrow('k1');
  });

  it('gives a stable lookup hash per key and value, different across keyrings and fields', () => {
    const a = parseKeyring(generateKeyringEnv());
    const b = parseKeyring(generateKeyringEnv());
    expect(lookupHash(a, 'doc', ID)).toBe(lookupHash(a, 'doc', ID));
    expect(lookupHash(a, 'doc', ID)).not.toBe(lookupHash(b, 'doc', ID));
    expect(lookupHash(a, 'doc', ID)).not.toBe(lookupHash(a, 'phone', ID));
    expect(lookupHash(a, 'doc', ID)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names what is wrong with the key environment', () => {
    expect(() => parseKeyring({})).toThrow('PII_KEYS');
    expect(() => parseKeyring({ PII_KEYS: 'k1:short', PII_LOOKUP_KEY: generateKeyringEnv().PII_LOOKUP_KEY })).toThrow('32 字节');
    expect(() => parseKeyring({ PII_KEYS: generateKeyringEnv().PII_KEYS })).toThrow('PII_LOOKUP_KEY');
  });
});
