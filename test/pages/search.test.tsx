import { render, screen } from '@testing-library/react';
import SearchPage from '../../src/pages/search';
import { fill } from './support/interact';
import { findElement } from './support/page';

describe('center search', () => {
  it.each(['扬州', 'yz'])('finds 扬州 by "%s" and shows its service phone', async (query) => {
    const { container } = render(<SearchPage />);
    await fill(container, 'input', query);
    const result = await findElement(container, '#center-321000');
    expect(result.textContent).toContain('扬州市住房公积金管理中心');
    expect(result.textContent).toContain('0514-12329');
  });

  it('says nothing was found for a query that matches no center', async () => {
    const { container } = render(<SearchPage />);
    await fill(container, 'input', '火星');
    const empty = await findElement(container, '.state-empty');
    expect(empty.textContent).toContain('没有找到与“火星”相关的中心');
    expect(container.querySelector('.center-search-result')).toBeNull();
  });

  it('shows that it is searching while the answer is on its way', async () => {
    const { container } = render(<SearchPage />);
    await fill(container, 'input', '扬州');
    expect(screen.getByText('正在搜索…')).toBeTruthy();
    await findElement(container, '#center-321000');
    expect(screen.queryByText('正在搜索…')).toBeNull();
  });
});
