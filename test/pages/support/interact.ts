/**
 * What a person does on a rendered page, and waiting for what it shows: the small steps every page test
 * takes. What waits does so for up to SERVER_ANSWER_MS, throwing a plain Error meanwhile (see findElement on why not expect).
 */
import Taro from '@tarojs/taro';
import { act, fireEvent, waitFor } from '@testing-library/react';
import { bodiesOf } from './calls';
import { findElement, SERVER_ANSWER_MS } from './page';

/** The text of the first match, '' when nothing matches. */
export const textOf = (container: Element, selector: string): string => container.querySelector(selector)?.textContent ?? '';

/** Taps the element once it is there. */
export const click = async (container: Element, selector: string): Promise<boolean> => fireEvent.click(await findElement(container, selector));

/** Taps a button whose handler may await a modal first: lets that settle inside act, as the page's updates follow it. */
export async function press(container: Element, selector: string): Promise<void> {
  const button = await findElement(container, selector);
  await act(async () => {
    fireEvent.click(button);
  });
}

/** Types into the native field inside a Taro Input or Textarea (`selector` names the native <input> or <textarea>). */
export async function fill(container: Element, selector: string, text: string): Promise<void> {
  const field = await findElement<HTMLInputElement | HTMLTextAreaElement>(container, selector);
  field.value = text;
  fireEvent.input(field);
}

/** Waits until nothing matches. */
export function waitGone(container: Element, selector: string): Promise<void> {
  return waitFor(
    () => {
      if (container.querySelector(selector)) throw new Error(`${selector} is still there`);
    },
    { timeout: SERVER_ANSWER_MS },
  );
}

/** Waits until `selector`'s text contains `check` (a string) or matches it (a RegExp); answers that text. */
export function waitForText(container: Element, selector: string, check: string | RegExp, timeout = SERVER_ANSWER_MS): Promise<string> {
  return waitFor(
    () => {
      const now = textOf(container, selector);
      const passes = typeof check === 'string' ? now.includes(check) : check.test(now);
      if (!passes) throw new Error(`${selector} says “${now}”, not “${String(check)}”`);
      return now;
    },
    { timeout },
  );
}

/** For waitForText: the whole text is `text`, to the letter. */
export const exactly = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Opens the center picker of a field (`field` selects what is tapped; its search is `${field}-search`), searches and taps the result. */
export async function pickCenter(container: Element, field: string, query: string, code: string): Promise<void> {
  await click(container, field);
  const search = await findElement(container, `${field}-search`);
  await fill(search, 'input', query);
  await click(search, `#center-${code}`);
  await waitGone(container, `${field}-search`);
}

/** Every modal is confirmed; answers the spy. */
export const confirmModals = () => jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'showModal:ok' });

/**
 * Taps the submit button twice at once, as an impatient person does, and waits until the page has
 * redirected once: answers the submissions to the applications function that went out meanwhile.
 */
export async function doubleTapSubmit(container: Element, selector: string, redirectTo: jest.SpyInstance): Promise<ReturnType<typeof bodiesOf>> {
  const submit = await findElement(container, selector);
  const fetchSpy = jest.spyOn(globalThis, 'fetch');
  fireEvent.click(submit);
  fireEvent.click(submit);
  await waitFor(() => expect(redirectTo).toHaveBeenCalledTimes(1), { timeout: SERVER_ANSWER_MS });
  return bodiesOf(fetchSpy).filter((c) => c.url.includes('/api/applications') && c.body.action === 'submit');
}
