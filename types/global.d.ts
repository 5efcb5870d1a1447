/** Set by config/index.ts defineConstants at build time. */
declare const CLOUD_ENV: string;
/** The subscribe-message template for status changes (SUBSCRIBE_TEMPLATE_STATUS, the same variable the functions read); empty when not configured. */
declare const STATUS_TEMPLATE_ID: string;

declare module '*.scss';
declare module '*.png';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5';
  }
}
