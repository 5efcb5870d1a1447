import path from 'node:path';
import { MAIN_PACKAGE_BUDGET_BYTES, mainPackageBytes } from '../../tools/weapp-package';

/** The WeChat build the weapp tests run (dist/weapp, built by `npm test`) keeps its main package within budget. */
describe('the weapp main package', () => {
  it(`stays within ${MAIN_PACKAGE_BUDGET_BYTES / 1024} KB, the subpackages' pages and texts outside it`, () => {
    const bytes = mainPackageBytes(path.resolve(__dirname, '../../dist/weapp'));
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(MAIN_PACKAGE_BUDGET_BYTES);
  });
});
