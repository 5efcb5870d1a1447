import Taro from '@tarojs/taro';
import { say } from './notice';

/**
 * Copies text to the clipboard; answers whether it was copied. WeChat refuses the call, for example, while the person
 * has not accepted the mini-program's privacy guide (剪切板 must be declared in it), so every caller says so.
 */
export async function copyText(data: string): Promise<boolean> {
  try {
    await Taro.setClipboardData({ data });
    return true;
  } catch {
    return false;
  }
}

/** What a person is told when the copy failed: how to copy `what` by hand. */
export const copyFailed = (what: string) => `未能复制，请长按上面的${what}手动复制。`;

/** Copies `data`, telling a failure (a toast, inline in 长辈版) (WeChat itself confirms a copy): for a value shown just above the button. */
export async function copyOrSay(data: string, what: string): Promise<void> {
  if (!(await copyText(data))) say(copyFailed(what));
}
