/** Set by config/index.ts defineConstants at build time. */
declare const CLOUD_ENV: string;

declare module '*.scss';
declare module '*.png';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5';
  }
}
