import Taro from '@tarojs/taro';

/** The pages of the supervise subpackage a figure links to (the rows behind it), 内部试用与上线 and 业务域名. */
export type TablePage = 'progress' | 'online' | 'monthly' | 'liaisons' | 'recommendations' | 'trial' | 'domains';

/** Opens a table page, filtered as given (a province, a period). */
export function openTable(page: TablePage, params: Record<string, string | undefined> = {}): void {
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  void Taro.navigateTo({ url: `/packages/supervise/${page}/index${query ? `?${query}` : ''}` });
}
