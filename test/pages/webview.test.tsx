import { render } from '@testing-library/react';
import WebViewPage from '../../src/pages/webview';
import { openWith } from './support/page';

describe('web-view page', () => {
  it('refuses a link that is not https', () => {
    openWith({ url: encodeURIComponent('http://example.com/hall') });
    const { container } = render(<WebViewPage />);
    expect(container.querySelector('.state-error')?.textContent).toContain('不是安全的 https 链接');
    expect(container.querySelector('taro-web-view-core')).toBeNull();
  });

  it('shows an https page', () => {
    openWith({ url: encodeURIComponent('https://example.com/hall/321000/1') });
    const { container } = render(<WebViewPage />);
    expect(container.querySelector('.state-error')).toBeNull();
    expect(container.querySelector('taro-web-view-core')?.getAttribute('src')).toBe('https://example.com/hall/321000/1');
  });
});
