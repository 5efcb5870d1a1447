import { render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import Directory from '../../src/pages/directory';
import { findElement } from './support/page';

describe('directory page', () => {
  it('lists the centers by province with an index bar entry per province', async () => {
    const { container } = render(<Directory />);
    await findElement(container, '.directory-group');

    const provinces = Array.from(container.querySelectorAll('.directory-province'), (el) => el.textContent);
    expect(provinces).toEqual(expect.arrayContaining(['北京市', '江苏省', '新疆生产建设兵团']));
    // the catalog's order is administrative-code order
    expect(provinces[0]).toBe('北京市');
    expect(container.querySelector('#province-32 #center-321000')?.textContent).toContain('0514-12329');

    expect(container.querySelectorAll('.index-bar .index-bar-entry')).toHaveLength(provinces.length);
    expect(container.querySelector('#index-province-32')?.textContent).toBe('江苏');
    expect(container.querySelector('#index-province-66')?.textContent).toBe('兵团');
    const labels = Array.from(container.querySelectorAll('.index-bar-entry'), (el) => el.textContent);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe('directory page in 长辈版', () => {
  beforeEach(() => Taro.setStorageSync('elder-mode', true));
  afterEach(() => Taro.clearStorageSync());

  it('puts the province index at the top of the list, not in a side bar taller than the screen, and leads back to it from each province', async () => {
    const { container } = render(<Directory />);
    await findElement(container, '.directory-group');
    const provinces = container.querySelectorAll('.directory-province');

    expect(container.querySelector('.index-bar')).toBeNull();
    const entries = container.querySelectorAll('.directory-list .directory-index .index-bar-entry');
    expect(entries).toHaveLength(provinces.length);
    // the grid comes before the first province in the list
    const index = container.querySelector('#directory-index')!;
    const first = container.querySelector('#province-11')!;
    expect(index.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(container.querySelectorAll('.directory-to-index')).toHaveLength(provinces.length);
    expect(container.querySelector('#to-index-province-32')?.textContent).toBe('换省份');
  });
});
