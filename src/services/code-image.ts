import Taro from '@tarojs/taro';
import QRCode from 'qrcode';

/**
 * The certificate code drawn here, on H5 and in WeChat alike: qrcode's SVG (pure JavaScript, no canvas) as a base64
 * data URL an Image shows. The token is not a mini-program scene (WeChat's codes carry at most 32 characters), so
 * WeChat's own code cannot carry it. Undefined when it cannot be drawn (the page then says so).
 */
export async function codeImage(token: string): Promise<string | undefined> {
  try {
    const svg = await QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // the SVG is ASCII: one byte per character
    const bytes = Uint8Array.from(svg, (c) => c.charCodeAt(0));
    return `data:image/svg+xml;base64,${Taro.arrayBufferToBase64(bytes.buffer)}`;
  } catch {
    return undefined;
  }
}
