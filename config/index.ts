import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

/** Taro build for `weapp` (WeChat) and `h5` (the local host and the browser tests). */
export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'gjj-miniprogram',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // WeChat has no recursive templates: Taro writes one template set per level into base.wxml (16 levels by default,
    // 60 KB of the main package) and nests deeper trees through its `comp` component. 8 levels take 22 KB off.
    baseLevel: 8,
    // H5_DIR builds the H5 pages elsewhere (one build per engineer or per worktree); the local host serves the same folder
    outputRoot: process.env.TARO_ENV === 'h5' && process.env.H5_DIR ? process.env.H5_DIR : `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      // the CloudBase environment the WeChat build calls; empty means the current environment
      CLOUD_ENV: JSON.stringify(process.env.CLOUD_ENV ?? ''),
      // the subscribe-message template the mini-program asks consent for (the functions send with the same id)
      STATUS_TEMPLATE_ID: JSON.stringify(process.env.SUBSCRIBE_TEMPLATE_STATUS ?? ''),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
