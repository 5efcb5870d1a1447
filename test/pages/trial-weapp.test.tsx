import { act, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ok } from '../../src/core/errors';
import type { ChecklistAnswer } from '../../src/core/trial';
import ChecklistPage from '../../src/packages/trial/checklist';
import { press, textOf, waitForText } from './support/interact';
import { yangzhou } from './support/yangzhou';
import { findElement, openWith } from './support/page';

/*
 * A tester's checklist as built for WeChat (the platform module says weapp): a center's mini-program link opened with
 * navigateToMiniProgram. The functions are answered here (in WeChat they are called through Taro.cloud).
 */
jest.mock('../../src/services/platform', () => ({ isWeapp: true, isH5: false }));

const YANGZHOU = '321000';
const CENTER = yangzhou([{ item: 2, kind: 'miniprogram', appId: 'wx0123456789abcdef', path: 'pages/hall/index', healthy: true }]);
const CHECKLIST: ChecklistAnswer = {
  centerCode: YANGZHOU,
  centerName: CENTER.name,
  phone: CENTER.phone,
  checks: [
    {
      check: 'link:2',
      label: '事项 2 开具缴存使用证明',
      shown: '中心小程序 wx0123456789abcdef',
      result: 'pending',
      required: true,
      checkedAt: null,
      checkedBy: null,
      note: null,
      observed: null,
      target: 'miniprogram',
      test: null,
      findingId: null,
    },
  ],
  progress: { done: 0, total: 8, failed: 0, openFindings: 0, oldestOpenDays: 0, transfer: 'not-sent', hasEndpoint: true, ready: false },
};

jest.mock('../../src/services/cloud', () => ({
  ...jest.requireActual<object>('../../src/services/cloud'),
  callFunction: async (name: string, event: { action: string }) => {
    if (name === 'trial' && event.action === 'checklist') return ok(CHECKLIST);
    if (name === 'centers' && event.action === 'get') return ok({ center: CENTER });
    return { ok: false, code: 'VALIDATION_FAILED', message: '不支持的操作' };
  },
}));

async function openChecklist(): Promise<HTMLElement> {
  openWith({ code: YANGZHOU });
  const { container } = render(<ChecklistPage />);
  await findElement(container, '#checklist-head');
  return container;
}

afterEach(() => jest.restoreAllMocks());

describe('a center’s mini-program link in WeChat', () => {
  it('records nothing when the tester declines WeChat’s confirmation to open the other mini-program', async () => {
    const navigate = jest.spyOn(Taro, 'navigateToMiniProgram').mockRejectedValue({ errMsg: 'navigateToMiniProgram:fail cancel' });
    const container = await openChecklist();
    await press(container, '#check-link-2-open');
    expect(navigate).toHaveBeenCalledWith({ appId: 'wx0123456789abcdef', path: 'pages/hall/index' });
    // the page acts on WeChat's answer in the promise chain of the tap: a task later, that chain has run
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(container.querySelector('#check-link-2-opened')).toBeNull();
  });

  it('records 未能打开中心小程序 when WeChat could not open it', async () => {
    jest.spyOn(Taro, 'navigateToMiniProgram').mockRejectedValue({ errMsg: 'navigateToMiniProgram:fail appId is invalid' });
    const container = await openChecklist();
    await press(container, '#check-link-2-open');
    await waitForText(container, '#check-link-2-observed', '小程序记录：未能打开中心小程序');
    expect(textOf(container, '#check-link-2-target')).toBe('打开方式：中心的微信小程序');
  });
});
