import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import ItemPage from '../../src/pages/item';
import { findElement, openWith, typeInto } from './support/page';

beforeEach(() => Taro.clearStorageSync());

describe('item page for a relayed item', () => {
  it('explains 代收代办 and, once a center is picked, shows its phone in the fallback card', async () => {
    openWith({ item: '2' });
    const { container } = render(<ItemPage />);
    expect(container.querySelector('.item-head .tag')?.textContent).toBe('代收代办');
    expect(screen.getByText('在所在地中心提交申请，由缴存地中心出具证明后送回。')).toBeTruthy();
    expect(container.querySelector('.fallback-card')).toBeNull();

    await typeInto(container, '扬州');
    fireEvent.click(await findElement(container, '#center-321000'));

    const card = await findElement(container, '.fallback-card');
    expect(card.textContent).toContain('两地中心协同办理');
    expect(card.querySelector('.phone')?.textContent).toBe('0514-12329');
    expect(container.querySelector('#item-center')?.textContent).toContain('扬州市住房公积金管理中心');
    expect(container.querySelector('#item-go')).toBeNull();
  });

  it('uses my stored center without asking for one', () => {
    Taro.setStorageSync('my-center', { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' });
    openWith({ item: '2' });
    const { container } = render(<ItemPage />);
    expect(container.querySelector('.fallback-card .phone')?.textContent).toBe('0514-12329');
    expect(container.querySelector('input')).toBeNull();
  });
});
