import axe from 'axe-core';
import { TAGS, type AxeViolation } from '../../support/axe';

/**
 * axe-core run on a page rendered in jsdom, with the rules and tags of the browser layer (test/support/axe.ts): the
 * serious and critical violations of WCAG 2.2 AA. Colour contrast is left out (jsdom lays nothing out): the e2e
 * layer checks it in Chromium.
 */
export async function seriousViolationsIn(container: Element): Promise<AxeViolation[]> {
  const result = await axe.run(container, {
    runOnly: { type: 'tag', values: TAGS },
    rules: { 'color-contrast': { enabled: false }, 'scrollable-region-focusable': { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
