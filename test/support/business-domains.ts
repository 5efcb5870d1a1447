import { domainOf } from '../../src/core/business-domains';
import type { Store } from '../../cloudfunctions/_lib/store/port';

/**
 * Marks the domains of `urls` configured business domains of the mini-program (issue 16 point 1), as a supervisor
 * does once they are added in WeChat's console: the suites whose web links are to open in the web-view set them up
 * with it (a domain nobody configured is offered another way, never the web-view).
 */
export async function configureDomains(store: Store, ...urls: string[]): Promise<void> {
  for (const url of urls) {
    const domain = domainOf(url);
    if (domain === undefined) throw new Error(`not a URL: ${url}`);
    await store.businessDomains.put({ domain, state: 'configured', verificationFile: null, checkedAt: null, problem: null, updatedAt: new Date(0), updatedBy: 'test-setup' });
  }
}
