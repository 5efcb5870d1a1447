import Taro from '@tarojs/taro';
import QRCode from 'qrcode';
import { isWeapp } from './platform';

/**
 * The certificate code drawn here. The token is not a mini-program scene (WeChat's codes carry at most 32 characters),
 * so WeChat's own code cannot carry it. On H5 qrcode draws a PNG data URL as the trial's codes do (services/trial-codes.ts);
 * WeChat has no canvas for that, so there its SVG (pure JavaScript) goes as a base64 data URL an Image shows.
 * Undefined when it cannot be drawn (the page then says so).
 */
export async function codeImage(token: string): Promise<string | undefined> {
  try {
    if (!isWeapp) return await QRCode.toDataURL(token, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
    const svg = await QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // the SVG is ASCII: one byte per character
    const bytes = Uint8Array.from(svg, (c) => c.charCodeAt(0));
    return `data:image/svg+xml;base64,${Taro.arrayBufferToBase64(bytes.buffer)}`;
  } catch {
    return undefined;
  }
}
