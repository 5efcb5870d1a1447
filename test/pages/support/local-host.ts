/** The local host the pages layer's global setup started (support/global-setup.ts). */
export interface PagesHost {
  url: string;
  simOrigin: string;
}

export function useLocalHost(): () => PagesHost {
  return () => {
    const url = process.env.PAGES_HOST_URL;
    const simOrigin = process.env.PAGES_SIM_ORIGIN;
    if (!url || !simOrigin) throw new Error('no local host: the pages global setup did not run');
    return { url, simOrigin };
  };
}
