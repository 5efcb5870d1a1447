/**
 * The one place that knows which platform the app runs on. Taro replaces process.env.TARO_ENV at
 * build time, so the other platform's branch is dropped from each build.
 */
export const isWeapp = process.env.TARO_ENV === 'weapp';
export const isH5 = process.env.TARO_ENV === 'h5';
