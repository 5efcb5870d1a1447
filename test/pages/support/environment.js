/**
 * jsdom plus Node's own fetch, so services/cloud.ts reaches the real local host. jsdom has no fetch,
 * and Taro H5's whatwg-fetch polyfill would go through jsdom's XHR with CORS; Node's fetch does not.
 * services/cloud.ts asks for the relative `/api/<fn>` (same origin as the H5 page in the real app);
 * here that origin is the local host the layer's global setup started (PAGES_HOST_URL).
 */
const { TestEnvironment } = require('jest-environment-jsdom');

class PagesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const global = this.global;
    // a browser's fetch sends a File or Blob body as its bytes; Node's does not know jsdom's Blob, so it is read first
    const bytesOf = (blob) =>
      new Promise((resolve, reject) => {
        const reader = new global.FileReader();
        reader.onload = () => resolve(Buffer.from(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsArrayBuffer(blob);
      });
    global.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      const sent = init?.body instanceof global.Blob ? { ...init, body: await bytesOf(init.body) } : init;
      if (url.startsWith('/')) {
        const origin = process.env.PAGES_HOST_URL;
        if (!origin) throw new Error(`fetch ${url}: no local host; the pages global setup did not run`);
        return fetch(new URL(url, origin), sent);
      }
      return fetch(input, sent);
    };
    global.Request = Request;
    global.Response = Response;
    global.Headers = Headers;
    // browsers have it; jsdom does not (qrcode encodes the poster and invite addresses with it)
    global.TextEncoder = TextEncoder;
  }
}

module.exports = PagesEnvironment;
