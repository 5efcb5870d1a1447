import { contentRange, coversFile, RANGE_MAX_BYTES, readContentRange, servedRange } from '../../cloudfunctions/_lib/delivery/file-links';

/**
 * Deliveries' attachments in ranges (docs/center-api.md 4.10): what the platform serves of a file for a Range header,
 * and when the parts a center took cover the whole file (the interface test's 下载附件 check).
 */
const MiB4 = RANGE_MAX_BYTES;
const TEN_MB = 10_000_000;

describe('the part of a file served for a Range header', () => {
  it('serves a file of at most 4 MiB whole without Range, and refuses a larger one, saying to ask in ranges', () => {
    expect(servedRange(undefined, MiB4)).toEqual({ kind: 'whole' });
    expect(servedRange(undefined, MiB4 + 1)).toEqual({ kind: 'refused', reason: expect.stringContaining('Range: bytes=') });
  });

  it('serves a range of up to 4 MiB, the end cut at the file’s, and refuses a longer one, a malformed one or one past the end', () => {
    expect(servedRange(`bytes=0-${MiB4 - 1}`, TEN_MB)).toEqual({ kind: 'part', start: 0, end: MiB4 - 1 });
    expect(servedRange(`bytes=${2 * MiB4}-${3 * MiB4 - 1}`, TEN_MB)).toEqual({ kind: 'part', start: 2 * MiB4, end: TEN_MB - 1 });
    expect(servedRange(`bytes=0-${MiB4}`, TEN_MB)).toEqual({ kind: 'refused', reason: expect.stringContaining('4 MiB') });
    for (const bad of ['bytes=0-', 'bytes=-500', 'bytes=0-1,5-9', 'items=0-9', 'bytes=9-0']) expect(servedRange(bad, TEN_MB)).toMatchObject({ kind: 'refused' });
    expect(servedRange(`bytes=${TEN_MB}-${TEN_MB + 9}`, TEN_MB)).toEqual({ kind: 'refused', reason: expect.stringContaining('超出文件') });
  });
});

describe('whether the parts a center took cover its file', () => {
  const part = (start: number, end: number) => contentRange(start, end, TEN_MB);

  it('counts a whole fetch, or parts that leave no byte out, in any order and overlapping', () => {
    expect(coversFile([null], TEN_MB)).toBe(true);
    expect(coversFile([part(2 * MiB4, TEN_MB - 1), part(0, MiB4 - 1), part(MiB4, 2 * MiB4 - 1)], TEN_MB)).toBe(true);
    expect(coversFile([part(0, MiB4 - 1), part(100, MiB4 + 100), part(MiB4 + 101, TEN_MB - 1)], TEN_MB)).toBe(true);
  });

  it('does not count parts with a gap, a missing end, or parts of a file of another size', () => {
    expect(coversFile([part(0, MiB4 - 1), part(MiB4 + 1, TEN_MB - 1)], TEN_MB)).toBe(false);
    expect(coversFile([part(0, MiB4 - 1), part(MiB4, 2 * MiB4 - 1)], TEN_MB)).toBe(false);
    expect(coversFile([contentRange(0, 99, 100)], TEN_MB)).toBe(false);
    expect(coversFile(['', 'bytes 0-9/5'], TEN_MB)).toBe(false);
    expect(readContentRange('bytes 0-9/5')).toBeUndefined();
  });
});
