import { createHash } from 'node:crypto';
import { AppError } from '../../../src/core/errors';
import { shanghaiDate } from '../../../src/core/time';
import { CENTER_PAGE, centerScene, type CodeImage } from '../../../src/core/trial';
import { requireStaffCenter, type Caller, type ServiceContext } from '../runtime/define';
import { linkOpenedCopy } from '../files/downloads';
import { WechatApiError } from '../wechat';

/**
 * Every center's own code (issue 15): a mini-program code for its halls and website that opens the center's page
 * (scene `c=<centerCode>`), downloaded by its staff from the portal; the app reports each scan, counted per center
 * and China day for the supervisors' overview.
 */

/**
 * The mini-program code opening `page` with `scene` for `openid`, as a function answers it: a link to the PNG (an
 * opened copy under downloads/, as certificates go: reused while it has half its time left for the same image);
 * WECHAT_UNAVAILABLE when WeChat fails.
 */
export async function miniProgramCode(ctx: ServiceContext, openid: string, scene: string, page: string, name: string): Promise<CodeImage> {
  let png: Buffer;
  try {
    png = Buffer.from(await ctx.outside.wechat().getUnlimitedCode({ scene, page }));
  } catch (error) {
    if (error instanceof WechatApiError) {
      ctx.log.warn({ errcode: error.errcode, page }, 'wxacode.getUnlimited failed');
      throw new AppError('WECHAT_UNAVAILABLE', '暂时无法生成小程序码，请稍后再试');
    }
    throw error;
  }
  const sha256 = createHash('sha256').update(png).digest('hex');
  // the same image for the same person is one copy; a new image (WeChat's may change) a new one
  const image = await linkOpenedCopy(ctx, openid, { storageKey: `wxacode:${sha256}`, name, sha256, open: async () => png }, name);
  return { image, page, scene };
}

/** `portal posterCode`: the staff's center's mini-program code (scene c=<centerCode>, page CENTER_PAGE). */
export async function posterCode(ctx: ServiceContext, caller: Caller): Promise<CodeImage> {
  const centerCode = requireStaffCenter(caller, '下载本中心的小程序码');
  return miniProgramCode(ctx, caller.openid, centerScene(centerCode), CENTER_PAGE, '本中心小程序码.png');
}

/**
 * `centers scanned { code }`: the app was opened from the center's poster code. Counted per center and China day,
 * once a day per signed-in person; nobody else counts: a call without a person (which anyone could repeat at will)
 * nor anyone holding a role (testers, staff, supervisors trying the code are not the public). An unknown center is
 * refused and counts nothing.
 */
export async function recordScan(ctx: ServiceContext, centerCode: string, caller: Caller | undefined): Promise<{ counted: boolean }> {
  if (!(await ctx.store.centers.get(centerCode))) throw new AppError('CENTER_NOT_FOUND', '没有找到这个中心', { code: '没有找到这个中心' });
  if (!caller || caller.roles.length > 0) return { counted: false };
  return { counted: await ctx.store.scans.record(centerCode, shanghaiDate(ctx.now), caller.openid, ctx.now) };
}
