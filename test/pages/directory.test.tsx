import { render } from '@testing-library/react';
import Directory from '../../src/pages/directory';
import { findElement } from './support/page';

describe('directory page', () => {
  it('lists the centers by province under an index of the provinces, each province leading back to it', async () => {
    const { container } = render(<Directory />);
    await findElement(container, '.directory-group');

    const provinces = Array.from(container.querySelectorAll('.directory-province'), (el) => el.textContent);
    expect(provinces).toEqual(expect.arrayContaining(['北京市', '江苏省', '新疆生产建设兵团']));
    // the catalog's order is administrative-code order
    expect(provinces[0]).toBe('北京市');
    expect(container.querySelector('#province-32 #center-321000')?.textContent).toContain('0514-12329');

    // the index is the list's first view, inside what scrolls: no bar held at the screen's side, taller than the screen
    const index = container.querySelector('.directory-list #directory-index')!;
    expect(index.compareDocumentPosition(container.querySelector('#province-11')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(index.querySelectorAll('.directory-index-entry')).toHaveLength(provinces.length);
    expect(container.querySelector('#index-province-32')?.textContent).toBe('江苏');
    expect(container.querySelector('#index-province-66')?.textContent).toBe('兵团');
    const labels = Array.from(container.querySelectorAll('.directory-index-entry'), (el) => el.textContent);
    expect(new Set(labels).size).toBe(labels.length);
    expect(container.querySelectorAll('.directory-to-index')).toHaveLength(provinces.length);
    expect(container.querySelector('#to-index-province-32')?.textContent).toBe('换省份');
  });
});
