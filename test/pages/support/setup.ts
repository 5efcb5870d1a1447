// services/platform.ts reads TARO_ENV when it loads (Taro's build replaces it); these tests are the H5 build.
process.env.TARO_ENV = 'h5';
