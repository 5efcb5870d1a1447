import { sniffAttachment } from '../../src/core/center-api';
import { TEST_JPEG, TEST_PDF } from '../../cloudfunctions/_lib/centers/conformance';

/** Attachments are judged by their content: the type by the header, completeness by the end of the data. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const sos = TEST_JPEG.indexOf(Buffer.from([0xff, 0xda]));

describe('sniffAttachment', () => {
  it('accepts a complete PDF, JPEG and PNG whatever they are called', () => {
    expect(sniffAttachment(TEST_PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniffAttachment(TEST_JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(sniffAttachment(PNG)).toEqual({ ok: true, contentType: 'image/png' });
  });

  it('accepts a JPEG with bytes after its image, as phones append to motion photos', () => {
    expect(sniffAttachment(Buffer.concat([TEST_JPEG, Buffer.alloc(200_000, 0x42)]))).toMatchObject({ ok: true });
  });

  it('refuses a file cut short, even a JPEG whose EXIF thumbnail has an end marker of its own', () => {
    expect(sniffAttachment(TEST_PDF.subarray(0, TEST_PDF.length - 20))).toMatchObject({ ok: false, problem: expect.stringContaining('损坏') });
    expect(sniffAttachment(PNG.subarray(0, PNG.length - 12))).toMatchObject({ ok: false });
    // an APP1 segment carrying a complete thumbnail (FFD8 ... FFD9), then the main image cut inside its scan
    const thumbnail = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 2 + thumbnail.length]), thumbnail]);
    const cut = Buffer.concat([TEST_JPEG.subarray(0, 2), app1, TEST_JPEG.subarray(2, sos + 10)]);
    expect(sniffAttachment(cut)).toMatchObject({ ok: false, problem: expect.stringContaining('损坏') });
    expect(sniffAttachment(Buffer.concat([TEST_JPEG.subarray(0, 2), app1, TEST_JPEG.subarray(2)]))).toMatchObject({ ok: true });
  });

  it('refuses other types, an empty file and one over 10 MB, saying why', () => {
    expect(sniffAttachment(Buffer.from('GIF89a....'))).toMatchObject({ ok: false, problem: expect.stringContaining('PDF、JPG 或 PNG') });
    expect(sniffAttachment(Buffer.alloc(0))).toEqual({ ok: false, problem: '文件是空的' });
    expect(sniffAttachment(Buffer.concat([TEST_JPEG, Buffer.alloc(10 * 1024 * 1024)]))).toEqual({ ok: false, problem: '文件超过 10 MB' });
  });
});
