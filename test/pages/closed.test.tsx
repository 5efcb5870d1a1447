import { fireEvent, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { NOT_LAUNCHED_MESSAGE, PROVINCE_NOT_LAUNCHED_MESSAGE } from '../../src/core/trial';
import Closed from '../../src/pages/closed';
import Home from '../../src/pages/index';
import { callFunction } from '../../src/services/cloud';
import { setDevOpenid } from '../../src/services/dev-identity';
import { answerWith, uniqueOpenid } from './support/calls';
import { fakeFunctions } from './support/fake-functions';
import { seriousViolationsIn } from './support/axe';

/**
 * Before launch (issue 15): a person without a role sees 内部试用中 instead of the home page, and wherever a call
 * answers NOT_LAUNCHED. The shared local host is open (its demo), so the closed state is the session's answer changed.
 */
beforeEach(() => {
  Taro.clearStorageSync();
  setDevOpenid(uniqueOpenid('closed'));
});
afterEach(() => jest.restoreAllMocks());

/** The session's whoami answer once the page has read it (the local host answers; the body is read as the page reads it). */
function whoamiRead(): Promise<unknown> {
  const realFetch = globalThis.fetch;
  return new Promise((resolve) => {
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const answer = await realFetch(input, init);
      if (!String(init?.body).includes('"whoami"')) return answer;
      const json = answer.json.bind(answer);
      answer.json = async () => {
        const body: unknown = await json();
        resolve(body);
        return body;
      };
      return answer;
    });
  });
}

const reLaunchSpy = () => jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' });

describe('the 内部试用中 page', () => {
  it('says kindly that the app is in internal trial and offers the 12329 hotline as a call button, passing axe', async () => {
    const makePhoneCall = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'makePhoneCall:ok' });
    const { container } = render(<Closed />);
    expect(container.textContent).toContain('内部试用中');
    expect(container.querySelector('#closed-text')?.textContent).toBe(NOT_LAUNCHED_MESSAGE);
    fireEvent.click(container.querySelector('#closed-call')!);
    expect(makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '12329' });
    expect(await seriousViolationsIn(container)).toEqual([]);
  });

  it('lets a tester given an invite code by hand type it: 输入内部试用邀请码 opens 加入内部试用', () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const { container } = render(<Closed />);
    const entry = container.querySelector('#closed-join')!;
    expect(entry.textContent).toBe('输入内部试用邀请码');
    fireEvent.click(entry);
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/trial/join/index' });
  });
});

describe('the home page before launch', () => {
  it('gives way to 内部试用中 for a person without a role while nothing is open', async () => {
    answerWith<{ launch: object }>('whoami', (data) => ({ ...data, launch: { open: false, national: false, provinces: [] } }));
    const reLaunch = reLaunchSpy();
    render(<Home />);
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/closed/index' }));
  });

  it('stays for whoever the app is open to (the local host’s demo is open)', async () => {
    const reLaunch = reLaunchSpy();
    const read = whoamiRead();
    const { container } = render(<Home />);
    expect(await read).toMatchObject({ ok: true, data: { launch: { open: true } } });
    // the page acts on the answer in the promise chain that read it: a task later, that chain has run
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reLaunch).not.toHaveBeenCalled();
    expect(container.querySelector('#my-center')).not.toBeNull();
  });
});

describe('a call answering NOT_LAUNCHED', () => {
  it('leads to 内部试用中 from wherever it was made', async () => {
    fakeFunctions((fn) => (fn === 'applications' ? { ok: false, code: 'NOT_LAUNCHED', message: NOT_LAUNCHED_MESSAGE } : undefined));
    const reLaunch = reLaunchSpy();
    expect(await callFunction('applications', { action: 'list' })).toMatchObject({ ok: false, code: 'NOT_LAUNCHED' });
    expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/closed/index' });
  });

  it('stays on the page when only that center’s province is not open yet (a staged opening): the page shows the refusal', async () => {
    const refused = { ok: false, code: 'NOT_LAUNCHED', message: PROVINCE_NOT_LAUNCHED_MESSAGE, fields: { centerCode: PROVINCE_NOT_LAUNCHED_MESSAGE } } as const;
    fakeFunctions((fn) => (fn === 'centers' ? refused : undefined));
    const reLaunch = reLaunchSpy();
    expect(await callFunction('centers', { action: 'get', code: '110000' })).toEqual(refused);
    expect(reLaunch).not.toHaveBeenCalled();
  });

  it('tells the two refusals apart by the refused center the answer names, whatever their words', async () => {
    const reLaunch = reLaunchSpy();
    // a province's refusal worded as the national one still stays; a national one in other words still leads away
    fakeFunctions((fn) => (fn === 'centers' ? { ok: false, code: 'NOT_LAUNCHED', message: NOT_LAUNCHED_MESSAGE, fields: { centerCode: '暂未开放' } } : undefined));
    await callFunction('centers', { action: 'get', code: '110000' });
    expect(reLaunch).not.toHaveBeenCalled();
    fakeFunctions((fn) => (fn === 'applications' ? { ok: false, code: 'NOT_LAUNCHED', message: '暂未开放' } : undefined));
    await callFunction('applications', { action: 'list' });
    expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/closed/index' });
  });
});
