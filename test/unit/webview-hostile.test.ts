// @vitest-environment happy-dom
// The panel showing the hostile tree (fixtures/hostile): no text node and no attribute of the
// rendered page holds a control, C1 or bidi character, in any grouping, with every group
// expanded into its processes and the leak badges shown.
import { describe, expect, it } from 'vitest';
import type { GroupBy } from '../../src/core/types';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { expectPrintable, hostileReport, SEEN } from './hostile-tree';

/** Every text node and attribute value under a node, with where it was. */
function rendered(root: Node): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (n: Node) => {
    if (n.nodeType === 3) out.push(['text', n.nodeValue ?? '']);
    if (n instanceof Element) for (const a of Array.from(n.attributes)) out.push([`@${a.name} of <${n.tagName.toLowerCase()}>`, a.value]);
    n.childNodes.forEach(walk);
  };
  walk(root);
  return out;
}

describe('the panel with hostile process names', () => {
  for (const groupBy of ['exe', 'cmd', 'pid'] as GroupBy[]) {
    it(`-g ${groupBy}: rows, processes, leader and badges are printable`, () => {
      document.body.replaceChildren();
      const api = { postMessage: () => {}, getState: () => undefined, setState: () => {} };
      const app = new PanelApp(document, document.body, api, { pageRows: () => 50, firstVisibleRow: () => 0 });
      const report = hostileReport(groupBy);
      app.receive({
        type: 'init',
        settings: { ...DEFAULT_PANEL_SETTINGS, groupBy, showCpu: true },
        helper: { status: 'running', mode: 'root', message: '', canElevate: false },
        report,
        leaks: report.rows.map((r) => ({ key: r.key, growthKb: 5000, seconds: 60, rises: 3, falls: 0, steps: 3, procs: 1 })),
      });
      const groups = document.querySelectorAll('tr.pm-row').length;
      expect(groups).toBe(report.rows.length);
      for (let i = 0; i < groups; i++) (document.querySelectorAll('tr.pm-row')[i].querySelector('.pm-twisty') as HTMLElement | null)?.click();
      expect(document.querySelectorAll('tr.pm-member').length).toBe(report.rows.reduce((n, r) => n + r.members.length, 0));
      for (const [where, text] of rendered(document.body)) expectPrintable(text, `${groupBy}: ${where}`);
      const shown = document.body.textContent ?? '';
      expect(shown).toContain(SEEN.clear);
      expect(shown).toContain(SEEN.osc52);
      expect(shown).toContain(`kworker${SEEN.c1}${SEEN.bidi}`); // the leader's busiest kernel threads
      app.dispose();
    });
  }
});
