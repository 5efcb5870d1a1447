import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fireEvent, render } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { APPLICATION_STATUSES, STATUS_LABELS } from '../../src/core/applications/status';
import { StateView } from '../../src/components/state-view';
import { StatusTag } from '../../src/components/status-tag';

afterEach(() => jest.restoreAllMocks());

/** src/app.config.ts as Taro reads it (defineAppConfig is a global of Taro's build). */
function appConfig(): { pages: string[]; subPackages: { root: string; pages: string[] }[]; tabBar: { list: { pagePath: string; text: string; iconPath: string; selectedIconPath: string }[] } } {
  Object.assign(globalThis, { defineAppConfig: <T,>(config: T) => config });
  return jest.requireActual<{ default: ReturnType<typeof appConfig> }>('../../src/app.config').default;
}

describe('the tab bar', () => {
  it('has 首页, 我的申请 and 我的, each a page of the main package with both its icons on disk', () => {
    const { pages, tabBar } = appConfig();
    expect(tabBar.list.map((tab) => [tab.text, tab.pagePath])).toEqual([
      ['首页', 'pages/index/index'],
      ['我的申请', 'pages/applications/index'],
      ['我的', 'pages/mine/index'],
    ]);
    for (const tab of tabBar.list) {
      expect(pages).toContain(tab.pagePath);
      for (const icon of [tab.iconPath, tab.selectedIconPath]) expect(existsSync(path.resolve(__dirname, '../../src', icon))).toBe(true);
    }
  });
});

describe('status tags', () => {
  it('say every status in words, and colour refusals and failures as destructive, not as a step under way', () => {
    const tags = APPLICATION_STATUSES.map((status) => {
      const { container, unmount } = render(<StatusTag status={status} />);
      const tag = container.querySelector('.status-tag')!;
      const seen = { status, words: tag.textContent, tone: Array.from(tag.classList).find((c) => c.startsWith('status-tag-')) };
      unmount();
      return seen;
    });
    for (const tag of tags) expect(tag.words).toBe(STATUS_LABELS[tag.status]);
    const toneOf = (status: string) => tags.find((t) => t.status === status)?.tone;
    expect(['rejected', 'failed'].map(toneOf)).toEqual(['status-tag-stopped', 'status-tag-stopped']);
    expect(['submitted', 'accepted', 'processing'].map(toneOf)).toEqual(['status-tag-moving', 'status-tag-moving', 'status-tag-moving']);
    expect(toneOf('completed')).toBe('status-tag-done');
    expect(toneOf('withdrawn')).toBe('status-tag-withdrawn');
  });
});

describe('the error screen', () => {
  const stacked = (count: number) => jest.spyOn(Taro, 'getCurrentPages').mockReturnValue(Array.from({ length: count }, () => ({ route: 'pages/center/index' }) as unknown as Taro.Page));

  it('offers 重试 after a network failure, where trying again can help, and a way back beside it', () => {
    stacked(2);
    const retry = jest.fn();
    const { container } = render(<StateView status='error' message='网络不太顺畅，请检查网络后重试' code='INTERNAL' onRetry={retry} />);
    expect(container.querySelector('#state-error-message')?.textContent).toBe('网络不太顺畅，请检查网络后重试');
    fireEvent.click(container.querySelector('#state-retry')!);
    expect(retry).toHaveBeenCalled();
    expect(container.querySelector('#state-leave')?.textContent).toBe('返回上一页');
  });

  it('offers no 重试 where the answer would be the same, only the way back (首页 on a page opened directly)', () => {
    stacked(1);
    const home = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' });
    const { container } = render(<StateView status='error' message='没有找到这条申请' code='APPLICATION_NOT_FOUND' onRetry={jest.fn()} />);
    expect(container.querySelector('#state-retry')).toBeNull();
    expect(container.querySelector('#state-leave')?.textContent).toBe('回到首页');
    fireEvent.click(container.querySelector('#state-leave')!);
    expect(home).toHaveBeenCalledWith({ url: '/pages/index/index' });
  });

  it('sends a person who must verify first to 实名核验', () => {
    const verify = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' });
    const { container } = render(<StateView status='error' message='请先完成实名核验' code='IDENTITY_REQUIRED' onRetry={jest.fn()} />);
    expect(container.querySelector('#state-retry')).toBeNull();
    fireEvent.click(container.querySelector('#state-verify')!);
    expect(verify).toHaveBeenCalledWith({ url: '/pages/verify/index?back=1' });
  });
});

describe('every page', () => {
  it('is framed by the page shell (on H5 the title bar with 返回; 长辈版 when chosen), the staff’s, testers’ and supervisors’ too; only the local dev sign-in has its own way back', () => {
    const { pages, subPackages } = appConfig();
    const all = [...pages, ...subPackages.flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))];
    expect(all.length).toBeGreaterThan(40);
    const unframed = all.filter((page) => !readFileSync(path.resolve(__dirname, '../../src', `${page}.tsx`), 'utf8').includes('export default withPageShell('));
    expect(unframed).toEqual(['packages/dev/sign-in/index']);
  });
});

describe('buttons', () => {
  it('are never the small grey default: no size="mini" in any page or component (app.scss: every button primary, secondary or danger, full-size)', () => {
    const src = path.resolve(__dirname, '../../src');
    const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.tsx'));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((file) => /size=['"{]+mini/.test(readFileSync(path.join(src, file), 'utf8')))).toEqual([]);
  });
});
