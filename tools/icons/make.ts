/**
 * Draws the app's icons as PNG files: the tab bar's (首页, 我的申请, 我的) in src/assets/tab, 81 × 81 px (WeChat's size
 * for a tab icon), grey for a tab not chosen and the app's red for the chosen one; the home grid's eight items and the
 * 12329 hotline in src/assets/home, 96 × 96 px in the app's red. Each icon is a shape given as "is this point inside"
 * on the unit square, sampled 4 × 4 times per pixel for smooth edges. Run: npx tsx tools/icons/make.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const SAMPLES = 4;
const GREY = [0x64, 0x6a, 0x73] as const;
const RED = [0xc8, 0x16, 0x1d] as const;

/** A shape on the unit square, (0, 0) top left. */
type Shape = (x: number, y: number) => boolean;

const inRect = (x: number, y: number, left: number, top: number, right: number, bottom: number) => x >= left && x <= right && y >= top && y <= bottom;
const inCircle = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r ** 2;

/** 首页: a house, its roof a triangle, a door cut out of its body. */
const home: Shape = (x, y) => {
  const roof = y >= 0.1 && y <= 0.48 && Math.abs(x - 0.5) <= (y - 0.1) * 1.1;
  const body = inRect(x, y, 0.22, 0.46, 0.78, 0.88);
  const door = inRect(x, y, 0.43, 0.64, 0.57, 0.88);
  return (roof || body) && !door;
};

/** 我的申请: a sheet of paper with three lines of writing. */
const applications: Shape = (x, y) => {
  const sheet = inRect(x, y, 0.2, 0.1, 0.8, 0.9);
  const line = [0.3, 0.47, 0.64].some((top) => inRect(x, y, 0.32, top, top === 0.64 ? 0.56 : 0.68, top + 0.06));
  return sheet && !line;
};

/** 我的: a person, a round head over rounded shoulders. */
const mine: Shape = (x, y) => {
  const head = inCircle(x, y, 0.5, 0.3, 0.17);
  const shoulders = y >= 0.56 && y <= 0.88 && (x - 0.5) ** 2 / 0.32 ** 2 + (y - 0.9) ** 2 / 0.34 ** 2 <= 1;
  return head || shoulders;
};

const inRing = (x: number, y: number, cx: number, cy: number, outer: number, inner: number) => inCircle(x, y, cx, cy, outer) && !inCircle(x, y, cx, cy, inner);
/** Within `half` of the segment from (ax, ay) to (bx, by): a stroke with round ends. */
const nearSegment = (x: number, y: number, ax: number, ay: number, bx: number, by: number, half: number) => {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return (x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2 <= half ** 2;
};
const tick = (x: number, y: number, cx: number, cy: number, scale: number, half: number) =>
  nearSegment(x, y, cx - 0.18 * scale, cy, cx - 0.05 * scale, cy + 0.13 * scale, half) || nearSegment(x, y, cx - 0.05 * scale, cy + 0.13 * scale, cx + 0.2 * scale, cy - 0.14 * scale, half);

/** 信息查询: a magnifying glass. */
const query: Shape = (x, y) => inRing(x, y, 0.42, 0.42, 0.27, 0.18) || nearSegment(x, y, 0.62, 0.62, 0.84, 0.84, 0.065);
/** 缴存使用证明: a sheet with a round seal. */
const proof: Shape = (x, y) => inRect(x, y, 0.2, 0.1, 0.8, 0.9) && !inRect(x, y, 0.32, 0.24, 0.68, 0.3) && !inRect(x, y, 0.32, 0.38, 0.68, 0.44) && !inRing(x, y, 0.56, 0.68, 0.13, 0.07);
/** 退休提取: a stack of coins. */
const coins: Shape = (x, y) => [0.26, 0.46, 0.66].some((top) => inRect(x, y, 0.18, top, 0.82, top + 0.14) && !inRect(x, y, 0.18, top + 0.14, 0.82, top + 0.2));
/** 单位登记开户: an office building with windows. */
const building: Shape = (x, y) => {
  const body = inRect(x, y, 0.22, 0.12, 0.78, 0.9);
  const windows = [0.24, 0.42, 0.6].some((top) => [0.32, 0.56].some((left) => inRect(x, y, left, top, left + 0.12, top + 0.1)));
  const door = inRect(x, y, 0.43, 0.76, 0.57, 0.9);
  return body && !windows && !door;
};
/** 缴存信息变更: a pencil. */
const pencil: Shape = (x, y) => (nearSegment(x, y, 0.3, 0.7, 0.74, 0.26, 0.1) && !nearSegment(x, y, 0.66, 0.2, 0.8, 0.34, 0.02)) || nearSegment(x, y, 0.18, 0.82, 0.3, 0.7, 0.04);
/** 提前还清贷款: a tick in a ring. */
const settled: Shape = (x, y) => inRing(x, y, 0.5, 0.5, 0.38, 0.3) || tick(x, y, 0.5, 0.5, 1.2, 0.055);
/** 购房提取: a house with a window. */
const house: Shape = (x, y) => home(x, y) && !inRect(x, y, 0.3, 0.52, 0.4, 0.62);
/** 贷款还清证明: a sheet with a tick. */
const cleared: Shape = (x, y) => inRect(x, y, 0.2, 0.1, 0.8, 0.9) && !inRect(x, y, 0.32, 0.24, 0.68, 0.3) && !tick(x, y, 0.5, 0.6, 1, 0.05);
/** 12329: a telephone handset. */
const phone: Shape = (x, y) => {
  const arc = inRing(x, y, 0.62, 0.38, 0.5, 0.36) && x < 0.5 && y > 0.22 && y < 0.78;
  const ear = inCircle(x, y, 0.3, 0.24, 0.1) || nearSegment(x, y, 0.24, 0.2, 0.38, 0.14, 0.07);
  const mouth = inCircle(x, y, 0.58, 0.8, 0.1) || nearSegment(x, y, 0.55, 0.78, 0.76, 0.8, 0.07);
  return arc || ear || mouth;
};

function draw(shape: Shape, [r, g, b]: readonly [number, number, number], size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          if (shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) covered += 1;
        }
      }
      const at = (py * size + px) * 4;
      png.data[at] = r;
      png.data[at + 1] = g;
      png.data[at + 2] = b;
      png.data[at + 3] = Math.round((255 * covered) / SAMPLES ** 2);
    }
  }
  return PNG.sync.write(png);
}

const assets = path.resolve(__dirname, '../../src/assets');
for (const [name, shape] of Object.entries({ home, applications, mine })) {
  writeFileSync(path.join(assets, 'tab', `${name}.png`), draw(shape, GREY, 81));
  writeFileSync(path.join(assets, 'tab', `${name}-selected.png`), draw(shape, RED, 81));
}
const homeIcons: Record<string, Shape> = { 'item-1': query, 'item-2': proof, 'item-3': coins, 'item-4': building, 'item-5': pencil, 'item-6': settled, 'item-7': house, 'item-8': cleared, hotline: phone };
for (const [name, shape] of Object.entries(homeIcons)) writeFileSync(path.join(assets, 'home', `${name}.png`), draw(shape, RED, 96));
