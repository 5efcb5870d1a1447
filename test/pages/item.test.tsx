import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import CenterPage from '../../src/pages/center';
import ItemPage from '../../src/pages/item';
import { asSupervisor } from './support/calls';
import { fill } from './support/interact';
import { findElement, openWith, SERVER_ANSWER_MS } from './support/page';

/** The demo service hall of 扬州 (tools/local-cloud/demo.ts), which also routes item 5 in-app and item 6 to its counter. */
const YANGZHOU_HALL = { address: '（演示地址）扬州市某区某路 1 号 公积金服务大厅', hours: '工作日 9:00-12:00，13:30-17:00' };

/** Renders the item page for an item at a center and waits until the center has loaded. */
async function openItem(item: string, code: string): Promise<HTMLElement> {
  openWith({ item, code });
  const { container } = render(<ItemPage />);
  await findElement(container, '#item-center');
  return container;
}

beforeEach(() => Taro.clearStorageSync());
afterEach(() => jest.restoreAllMocks());

describe('item page for a relayed item', () => {
  it('explains 代收代办 and, once a center is picked, shows its phone in the fallback card', async () => {
    openWith({ item: '2' });
    const { container } = render(<ItemPage />);
    expect(container.querySelector('.item-head .tag')?.textContent).toBe('代收代办');
    expect(screen.getByText('在所在地中心提交申请，由缴存地中心出具证明后送回。')).toBeTruthy();
    expect(container.querySelector('.fallback-card')).toBeNull();

    await fill(container, 'input', '扬州');
    fireEvent.click(await findElement(container, '#center-321000'));

    const card = await findElement(container, '.fallback-card');
    expect(card.textContent).toContain('两地中心协同办理');
    expect(card.querySelector('.phone')?.textContent).toBe('0514-12329');
    expect(container.querySelector('#item-center')?.textContent).toContain('扬州市住房公积金管理中心');
    expect(container.querySelector('#item-go')).toBeNull();
  });

  it('uses my stored center without asking for one', async () => {
    Taro.setStorageSync('my-center', { code: '321000', name: '扬州市住房公积金管理中心', province: '江苏省', city: '扬州市', phone: '0514-12329' });
    openWith({ item: '2' });
    const { container } = render(<ItemPage />);
    expect((await findElement(container, '.fallback-card .phone')).textContent).toBe('0514-12329');
    expect(container.querySelector('input')).toBeNull();
  });
});

describe('item page for 购房提取 (两地联办)', () => {
  it('offers 在线申请, which opens the purchase withdrawal page, instead of “即将开放”', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openItem('7', '321000');
    expect(container.querySelector('.item-head .tag')?.textContent).toBe('两地联办');
    const apply = await findElement(container, '#item-apply');
    expect(apply.textContent).toBe('在线申请');
    expect(container.querySelector('#item-apply-card')?.textContent).toContain('购房地中心核验购房信息');
    expect(container.textContent).not.toContain('即将开放');
    fireEvent.click(apply);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/purchase/index' });
  });
});

describe('item page for an item the center does not offer fully online', () => {
  it('offers the in-app request where the center takes one, opening the request form for that item and center', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const container = await openItem('5', '321000');
    const card = await findElement(container, '#item-request-card');
    expect(card.textContent).toContain('暂未开通此事项的全程网办');
    expect(container.querySelector('#item-go')).toBeNull();
    expect(container.querySelector('.fallback-card')).toBeNull();

    const request = await findElement(container, '#item-request');
    expect(request.textContent).toBe('在线申请');
    fireEvent.click(request);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/service-request/index?item=5&code=321000' });
  });

  it('shows the center’s service hall with its address, hours and the phone to call where it takes the item at the counter only', async () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const container = await openItem('6', '321000');
    const card = await findElement(container, '.fallback-card');
    expect(card.querySelector('.fallback-reason')?.textContent).toContain('请到中心服务大厅办理');
    expect(card.querySelector('.fallback-hall-name')?.textContent).toBe('扬州市住房公积金管理中心服务大厅');
    expect(card.querySelector('.fallback-address')?.textContent).toContain(YANGZHOU_HALL.address);
    expect(card.querySelector('.fallback-hours')?.textContent).toContain(YANGZHOU_HALL.hours);
    // each time range kept on one line (not 13:30- / 17:00)
    expect(Array.from(card.querySelectorAll('.fallback-hours .nowrap'), (t) => t.textContent)).toEqual(['9:00-12:00', '13:30-17:00']);
    expect(container.querySelector('#item-go')).toBeNull();
    expect(container.querySelector('#item-request')).toBeNull();

    fireEvent.click(card.querySelector('.fallback-phone') as Element);
    expect(call).toHaveBeenCalledWith({ phoneNumber: '051412329' });
  });

  it('names the item tapped on the fallback card, at the counter and when the channel is down', async () => {
    const counter = await openItem('6', '321000');
    expect((await findElement(counter, '.fallback-card .fallback-item')).textContent).toBe('办理事项：提前还清住房公积金贷款');
    counter.remove();

    const down = await openItem('4', '320300');
    fireEvent.click(await findElement(down, '#item-go'));
    expect((await findElement(down, '.fallback-card .fallback-item')).textContent).toBe('办理事项：住房公积金单位登记开户');
  });

  it('still offers 前往办理 for an item the center has a channel for', async () => {
    const container = await openItem('4', '321000');
    expect((await findElement(container, '#item-go')).textContent).toBe('前往办理');
    expect(container.querySelector('#item-request')).toBeNull();
    expect(container.querySelector('.fallback-card')).toBeNull();
  });

  it('gives the service hall address in the fallback when the channel is down, and the phone to ask for it when the center gave none', async () => {
    // 盐城 and 徐州 are among the centers whose demo links are unhealthy; only 盐城 gives its hall here
    const hall = { address: '盐城市某区某路 3 号 公积金服务大厅', hours: '工作日 8:30-17:30' };
    await asSupervisor({ action: 'setCounter', centerCode: '320900', ...hall });

    const withHall = await openItem('4', '320900');
    fireEvent.click(await findElement(withHall, '#item-go'));
    const card = await findElement(withHall, '.fallback-card');
    expect(card.querySelector('.fallback-reason')?.textContent).toContain('暂时无法访问');
    expect(card.querySelector('.fallback-address')?.textContent).toContain(hall.address);
    expect(card.querySelector('.fallback-hours')?.textContent).toContain(hall.hours);
    expect(card.querySelector('.phone')?.textContent).toBe('0515-12329');

    const without = await openItem('4', '320300');
    fireEvent.click(await findElement(without, '#item-go'));
    const other = await findElement(without, '.fallback-card');
    expect(other.querySelector('.fallback-address')).toBeNull();
    expect(other.querySelector('.fallback-counter')?.textContent).toContain('地址和办公时间请拨打 0516-12329');
  });

  it('takes the person from the center page to the item page that offers the route, instead of a dead tap', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    openWith({ code: '321000' });
    const { container } = render(<CenterPage />);
    fireEvent.click(await findElement(container, '#center-item-5'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/item/index?item=5&code=321000' }), { timeout: SERVER_ANSWER_MS });
  });
});
