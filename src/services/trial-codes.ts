import QRCode from 'qrcode';
import { savedCodeImage } from './documents';
import { inviteScene, TRIAL_JOIN_PAGE, type CodeImage } from '../core/trial';
import { isWeapp } from './platform';

/**
 * The QR codes of the internal trial and of centers' posters: WeChat's mini-program code answered by the function in
 * the WeChat build, a QR code of the page's address with the same scene drawn here on H5 (where a mini-program code
 * opens nothing).
 */

/** Whether to ask the function for WeChat's mini-program code (the WeChat build) rather than draw one here. */
export const asksForCodeImage = isWeapp;

/** The H5 address of a page opened with a scene: this app's own origin and path, the scene in the query as a code carries it. */
const pageUrl = (page: string, scene: string) => `${location.origin}${location.pathname}#/${page}?scene=${encodeURIComponent(scene)}`;

/** The H5 join page's address an invite's QR code carries. */
export const inviteJoinUrl = (code: string): string => pageUrl(TRIAL_JOIN_PAGE, inviteScene(code));

/** WeChat's code as a file path to show (fetched and checked by its sha256), undefined when it could not be fetched. */
const fetched = async (image: CodeImage): Promise<string | undefined> => {
  const got = await savedCodeImage(image.image);
  return got.ok ? got.data : undefined;
};

/** A QR code of `url` as a PNG data URL; undefined when it cannot be drawn (the code is then shown in text only). */
const drawn = (url: string): Promise<string | undefined> => QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 480 }).catch(() => undefined);

/**
 * The image of an invite to show: the PNG the function linked (WeChat), else (H5) a QR code of the join page's
 * address as a data URL; undefined when there is none to show (the code is still shown in text).
 */
export async function inviteCodeImage(code: string, image: CodeImage | undefined): Promise<string | undefined> {
  if (image) return fetched(image);
  if (isWeapp) return undefined;
  return drawn(inviteJoinUrl(code));
}

/** A center's poster code to show and save: WeChat's mini-program code as answered; on H5 a QR code of the center page's address with its scene. */
export async function posterImage(image: CodeImage): Promise<string | undefined> {
  return isWeapp ? fetched(image) : drawn(pageUrl(image.page, image.scene));
}
