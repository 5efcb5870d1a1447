import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.2 AA rules axe-core checks. */
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core run in the page as it stands (the page on screen: Taro H5 keeps earlier pages in the DOM, hidden): the
 * serious and critical violations of WCAG 2.2 AA, each with the elements it found.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<Result> } }).axe;
    // scrollable-region-focusable is left out: Taro H5's page container scrolls and its Button (taro-button-core) has
    // no role and no tabindex, so a page whose only controls are buttons has nothing focusable — every page of the
    // app alike, a matter of the components, not of a page (raised with issue 14's pages)
    const result = await axe.run({ include: ['.taro_page_stationed'] }, { runOnly: { type: 'tag', values: tags }, rules: { 'scrollable-region-focusable': { enabled: false } } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, TAGS);
}
