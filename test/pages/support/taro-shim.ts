/**
 * `@tarojs/taro` for jest. A real H5 build gets there through Taro's webpack plugins: babel rewrites
 * `Taro.x` into named imports of @tarojs/taro-h5, and the React plugin's api-loader adds the hooks.
 * Here one plain object holds both, so `Taro.navigateTo(...)` in src works and a test can spy on it.
 * The hooks need React handed to them once (else "React.useMemo is not a function").
 */
import * as TaroH5 from '@tarojs/taro-h5';
import * as hooks from '@tarojs/plugin-framework-react/dist/runtime';
import { Current } from '@tarojs/runtime';
import React from 'react';
import ReactDOM from 'react-dom';

hooks.createH5NativeComponentConfig(null, React, ReactDOM);

// Taro sets the router (what useRouter answers) when it loads a page, before rendering it: a page rendered here is one
// opened without a query until the test opens it with one (support/page.ts openWith)
Current.router = { params: {}, path: '', $taroPath: '', onReady: '', onHide: '', onShow: '' };

const { default: base, ...apis } = TaroH5 as typeof TaroH5 & { default: object };
// Taro's router answers getCurrentPages from its page stack, which it sets up only in a real H5 app: none here (a page
// opened directly); a test that needs a page before it spies on this
const getCurrentPages = (): ReturnType<typeof TaroH5.getCurrentPages> => [];
const Taro = { ...base, ...apis, ...hooks, getCurrentPages };

export const { useDidHide, useDidShow, useLoad, usePullDownRefresh, useReady, useRouter, useUnload } = hooks;
export default Taro;
