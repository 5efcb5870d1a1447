import { normalizeQuery, searchCenters } from '../../src/core/center-search';
import { catalogCenters } from '../../cloudfunctions/_lib/catalog/catalog';

const CATALOG = catalogCenters();

const names = (query: string) => searchCenters(CATALOG, query).map((c) => c.name);

describe('center search over the whole catalog', () => {
  it('finds 扬州 by Chinese name, full pinyin and initials', () => {
    expect(names('扬州')[0]).toBe('扬州市住房公积金管理中心');
    expect(names('yangzhou')[0]).toBe('扬州市住房公积金管理中心');
    expect(names('yz')).toContain('扬州市住房公积金管理中心');
  });

  it('finds as you type: every prefix of the pinyin keeps 扬州 in the results', () => {
    for (let n = 1; n <= 'yangzhou'.length; n++) {
      expect(names('yangzhou'.slice(0, n))).toContain('扬州市住房公积金管理中心');
    }
  });

  it('ignores case, spaces and apostrophes', () => {
    expect(normalizeQuery(" Yang'Zhou ")).toBe('yangzhou');
    expect(names('Yang Zhou')[0]).toBe('扬州市住房公积金管理中心');
  });

  it('puts city matches before province matches', () => {
    // hn: 淮南, 海南, 黄南, 海南州 and the two provincial-direct centers by their own initials first,
    // then the other centers of 河南 and 湖南 by province
    const hn = searchCenters(CATALOG, 'hn', 500);
    const byCity = hn.filter((c) => c.initials.startsWith('hn'));
    expect(byCity.map((c) => c.city)).toEqual(['淮南市', '河南省', '湖南省', '海南省', '黄南藏族自治州', '海南藏族自治州']);
    expect(hn.slice(0, byCity.length)).toEqual(byCity);
    const byProvince = hn.slice(byCity.length);
    expect(byProvince.length).toBe(CATALOG.filter((c) => (c.province === '河南省' || c.province === '湖南省') && !c.initials.startsWith('hn')).length);
  });

  it('finds every center of a province by its name', () => {
    const jiangsu = searchCenters(CATALOG, '江苏');
    expect(jiangsu.length).toBe(CATALOG.filter((c) => c.province === '江苏省').length);
  });

  it('reads polyphonic city names the way they are said', () => {
    expect(names('chongqing')[0]).toBe('重庆市住房公积金管理中心');
    expect(names('xiamen')[0]).toBe('厦门市住房公积金管理中心');
    expect(names('changsha')[0]).toBe('长沙市住房公积金管理中心');
  });

  it('returns nothing for an empty query or one that matches no center', () => {
    expect(searchCenters(CATALOG, '  ')).toEqual([]);
    expect(searchCenters(CATALOG, 'zzzz')).toEqual([]);
  });
});
