import { generateKeyringEnv, open, openBytes, parseKeyring, seal, sealBytes, sealedAs, SEALED_FILE_TOO_SHORT } from '../../cloudfunctions/_lib/crypto/personal-data';

/**
 * Attacks on sealed personal data (issue 11, points 8 and 9): a value must not open with a cut tag or an
 * IV of another length, nor in any record but its own.
 */
const ID = '11010519491231002X';
const keyring = parseKeyring(generateKeyringEnv());

/** The string form's parts: version, key id, iv, tag, body. */
const withPart = (sealed: string, index: number, edit: (b: Buffer) => Buffer) => {
  const parts = sealed.split('.');
  parts[index] = edit(Buffer.from(parts[index], 'base64url')).toString('base64url');
  return parts.join('.');
};

describe('sealed values refuse forged authentication', () => {
  it.each([4, 8, 12, 15])('refuses a value whose tag is cut to %i bytes', (bytes) => {
    const sealed = seal(keyring, sealedAs.docNumber('o-victim'), ID);
    expect(() => open(keyring, sealedAs.docNumber('o-victim'), withPart(sealed, 3, (tag) => tag.subarray(0, bytes)))).toThrow('认证标签');
  });

  it.each([8, 16])('refuses a value whose IV is %i bytes long', (bytes) => {
    const sealed = seal(keyring, sealedAs.docNumber('o-victim'), ID);
    expect(() => open(keyring, sealedAs.docNumber('o-victim'), withPart(sealed, 2, () => Buffer.alloc(bytes, 1)))).toThrow('IV');
  });

  it('refuses a sealed file whose tag is cut short (the file is shorter than its header)', () => {
    const sealed = sealBytes(keyring, sealedAs.attachment('app1', 'f1'), Buffer.from('%PDF-1.4'));
    const idEnd = 5 + sealed[4];
    // drop the last 12 bytes of the tag: what follows is read as the tag, and no forged short tag is accepted
    const cut = Buffer.concat([sealed.subarray(0, idEnd + 12 + 4)]);
    // refused by the length check itself, before any tag is read (without it the cut tag reached the decipher)
    expect(() => openBytes(keyring, sealedAs.attachment('app1', 'f1'), cut)).toThrow(SEALED_FILE_TOO_SHORT);
  });
});

describe('a sealed value opens only as it was sealed', () => {
  const binding = sealedAs.docNumber('o-victim');
  const sealed = seal(keyring, binding, ID);
  const last = sealed.at(-1)!;
  // the tag's 16 bytes take 22 characters, the last carrying 4 bits the decoder drops: the same bytes spelled another way
  const parts = sealed.split('.');
  const tag = Buffer.from(parts[3], 'base64url');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const respelled = [...alphabet]
    .map((c) => `${parts[3].slice(0, -1)}${c}`)
    .filter((spelling) => spelling !== parts[3] && Buffer.from(spelling, 'base64url').equals(tag))
    .map((spelling) => [...parts.slice(0, 3), spelling, parts[4]].join('.'))[0];

  it.each([
    ['a part added', `${sealed}.x`],
    ['an empty part added', `${sealed}.`],
    ['a character the decoder skips', `${sealed.slice(0, -1)}=${last}`],
    ['the same bytes spelled another way', respelled],
  ])('refuses a value with %s', (_, altered) => {
    expect(open(keyring, binding, sealed)).toBe(ID);
    expect(altered).toBeDefined();
    expect(() => open(keyring, binding, altered!)).toThrow('加密数据格式不正确');
  });
});

describe('a sealed value opens only in its own record', () => {
  it('does not open a document number copied into another person’s identity', () => {
    const victims = seal(keyring, sealedAs.docNumber('o-victim'), ID);
    expect(open(keyring, sealedAs.docNumber('o-victim'), victims)).toBe(ID);
    expect(() => open(keyring, sealedAs.docNumber('o-attacker'), victims)).toThrow();
  });

  it('does not open an application payload copied into another application', () => {
    const payload = seal(keyring, sealedAs.payload('app-victim'), JSON.stringify({ bank: { accountNumber: '6217000000000000123' } }));
    expect(() => open(keyring, sealedAs.payload('app-attacker'), payload)).toThrow();
  });

  it('does not open an attachment moved to another application or file id', () => {
    const file = sealBytes(keyring, sealedAs.attachment('app-victim', 'f1'), Buffer.from('contract'));
    expect(openBytes(keyring, sealedAs.attachment('app-victim', 'f1'), file).toString()).toBe('contract');
    expect(() => openBytes(keyring, sealedAs.attachment('app-attacker', 'f1'), file)).toThrow();
    expect(() => openBytes(keyring, sealedAs.attachment('app-victim', 'f2'), file)).toThrow();
  });

  it('does not open one center’s signing secret as another center’s', () => {
    const secret = seal(keyring, sealedAs.endpointSecret('321000'), 'whsec_x');
    expect(() => open(keyring, sealedAs.endpointSecret('320100'), secret)).toThrow();
  });
});
