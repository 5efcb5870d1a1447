// The React plugin's runtime ships no types; the shim uses only these, typed as @tarojs/taro declares them.
declare module '@tarojs/plugin-framework-react/dist/runtime' {
  import type Taro from '@tarojs/taro';
  import type React from 'react';
  import type ReactDOM from 'react-dom';

  export const useDidHide: typeof Taro.useDidHide;
  export const useDidShow: typeof Taro.useDidShow;
  export const useLoad: typeof Taro.useLoad;
  export const usePullDownRefresh: typeof Taro.usePullDownRefresh;
  export const useReady: typeof Taro.useReady;
  export const useRouter: typeof Taro.useRouter;
  export const useUnload: typeof Taro.useUnload;
  /** Hands React to the hooks (they call React.useContext etc. through it). */
  export function createH5NativeComponentConfig(component: null, react: typeof React, reactDOM: typeof ReactDOM): null;
}
