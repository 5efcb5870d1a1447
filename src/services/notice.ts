import Taro from '@tarojs/taro';
import { elderMode } from './elder-mode';

/**
 * What the app tells or asks a person in passing: a toast and a modal in 标准版; in 长辈版, which has no pop-ups
 * (MIIT's 适老化 rules), the same words inline at the top of the page on screen, kept until the person answers (no
 * time limit), drawn by components/elder-notice in the page shell.
 */
export type Notice =
  | { kind: 'say'; message: string }
  | { kind: 'ask'; title: string; message: string; confirmText: string; cancelText?: string; answer: (confirmed: boolean) => void };

// one per open page shell, in the order the pages opened: the last is the page on screen
const shown: ((notice: Notice | undefined) => void)[] = [];

/** For the page shell's notice area: the notices of the page on screen; returns the unsubscribe. */
export function listenToNotices(show: (notice: Notice | undefined) => void): () => void {
  shown.push(show);
  return () => {
    const at = shown.indexOf(show);
    if (at >= 0) shown.splice(at, 1);
  };
}

const onScreen = () => (elderMode() ? shown[shown.length - 1] : undefined);

/** Tells `message` (a toast in 标准版; `done`: the success icon beside it). */
export function say(message: string, { done = false }: { done?: boolean } = {}): void {
  const show = onScreen();
  if (show) show({ kind: 'say', message });
  else void Taro.showToast({ title: message, icon: done ? 'success' : 'none' });
}

/** Asks the person to confirm; answers whether they did (without `cancelText`, only to acknowledge). */
export async function ask({ title, message, confirmText, cancelText }: { title: string; message: string; confirmText: string; cancelText?: string }): Promise<boolean> {
  const show = onScreen();
  if (!show) {
    const answer = await Taro.showModal({ title, content: message, confirmText, showCancel: cancelText !== undefined, cancelText });
    return answer.confirm;
  }
  return new Promise((resolve) => {
    show({
      kind: 'ask',
      title,
      message,
      confirmText,
      cancelText,
      answer: (confirmed) => {
        show(undefined);
        resolve(confirmed);
      },
    });
  });
}
