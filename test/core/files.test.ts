import { FILE_NAME_MAX, safeFileName } from '../../src/core/files';

describe('safeFileName', () => {
  it('keeps an ordinary name, with the extension of the type its content is', () => {
    expect(safeFileName('购房合同.pdf', 'application/pdf')).toBe('购房合同.pdf');
    expect(safeFileName('IMG_2031.JPG', 'image/jpeg')).toBe('IMG_2031.jpg');
    expect(safeFileName('发票.png', 'image/jpeg')).toBe('发票.jpg');
    expect(safeFileName('scan', 'image/png')).toBe('scan.png');
  });

  it('drops any path, on either kind of separator', () => {
    expect(safeFileName('../../x.pdf', 'application/pdf')).toBe('x.pdf');
    expect(safeFileName('..\\..\\Windows\\system.ini', 'application/pdf')).toBe('system.pdf');
    expect(safeFileName('/etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(safeFileName('a/b/', 'application/pdf', '证明')).toBe('证明.pdf');
  });

  it('removes bidirectional overrides and isolates, so a name reads as what it is', () => {
    // shown as "xfdp.jpg" with the override; really a name ending in ".pdf"
    expect(safeFileName('../../x\u202Egpj.pdf', 'application/pdf')).toBe('xgpj.pdf');
    expect(safeFileName('a\u2066b\u2067c\u2068d\u2069e\u200ef\u200fg\u061ch\u202ai\u202bj\u202ck\u202dl.pdf', 'application/pdf')).toBe('abcdefghijkl.pdf');
  });

  it('removes control and other invisible characters, and turns runs of space into one', () => {
    expect(safeFileName('a\u0000b\u0007c\u001bd\u007fe\u0085f.pdf', 'application/pdf')).toBe('abcdef.pdf');
    expect(safeFileName('合同\u200b\ufeff第一页.pdf', 'application/pdf')).toBe('合同第一页.pdf');
    expect(safeFileName('a\n\tb\u3000\u2028c.pdf', 'application/pdf')).toBe('a b c.pdf');
    expect(safeFileName('half \ud800 an emoji.pdf', 'application/pdf')).toBe('half an emoji.pdf');
  });

  it('replaces characters a file system refuses, and leading dots', () => {
    expect(safeFileName('a:b*c?d"e<f>g|h.pdf', 'application/pdf')).toBe('a_b_c_d_e_f_g_h.pdf');
    expect(safeFileName('...hidden.pdf', 'application/pdf')).toBe('hidden.pdf');
    expect(safeFileName('..', 'application/pdf', '证明')).toBe('证明.pdf');
    expect(safeFileName('CON.pdf', 'application/pdf')).toBe('_CON.pdf');
  });

  it('falls back to a name when nothing is left', () => {
    expect(safeFileName('', 'image/png')).toBe('文件.png');
    expect(safeFileName('\u202e\u0000 .pdf', 'application/pdf', '购房合同')).toBe('购房合同.pdf');
  });

  it('bounds a name to FILE_NAME_MAX characters, extension included, never cutting a character in half', () => {
    const long = safeFileName(`${'证'.repeat(300)}.pdf`, 'application/pdf');
    expect(Array.from(long)).toHaveLength(FILE_NAME_MAX);
    expect(long.endsWith('证.pdf')).toBe(true);
    const emoji = safeFileName('😀'.repeat(100), 'image/jpeg');
    expect(Array.from(emoji)).toHaveLength(FILE_NAME_MAX);
    expect(emoji).toBe(`${'😀'.repeat(FILE_NAME_MAX - 4)}.jpg`);
  });
});
