import { Current, getPageInstance } from '@tarojs/runtime';
import { act, waitFor } from '@testing-library/react';

/** What useRouter() answers: Taro's H5 router sets Current.router when it opens a page (`path`: which page). */
export function openWith(params: Record<string, string>, path = ''): void {
  Current.router = { params, path, $taroPath: '', onReady: '', onHide: '', onShow: '' };
}

/**
 * Fires the page's useDidShow callbacks, as Taro's router does after it shows a page. Rendered outside
 * a Taro page, the hooks register on the app-level instance ('taro-app', the React plugin's fallback id).
 */
export function showPage(): void {
  const instance = getPageInstance('taro-app') as { componentDidShow?: Array<() => void> } | undefined;
  act(() => {
    for (const callback of instance?.componentDidShow ?? []) callback();
  });
}

/** Fires the page's useDidHide callbacks, as Taro's router does when another page covers it. */
export function hidePage(): void {
  const instance = getPageInstance('taro-app') as { componentDidHide?: Array<() => void> } | undefined;
  act(() => {
    for (const callback of instance?.componentDidHide ?? []) callback();
  });
}

/** Time for the 200 ms search debounce plus a round trip to the local host. */
export const SERVER_ANSWER_MS = 5_000;

/**
 * Waits until `selector` matches inside `container` and returns the element. Throws a plain Error
 * while waiting: a failing expect(element) would pretty-print a Stencil element on every 50 ms poll,
 * which takes ~600 ms each and starves the event loop (pages then took ~2 s to load).
 */
export function findElement<T extends Element = HTMLElement>(container: Element, selector: string, timeout = SERVER_ANSWER_MS): Promise<T> {
  return waitFor(
    () => {
      const element = container.querySelector<T & Element>(selector);
      if (!element) throw new Error(`nothing matches ${selector}`);
      return element;
    },
    { timeout },
  );
}
