// @vitest-environment happy-dom
// The panel showing a 2^63 KB process (fixtures/huge): every figure column is at least as wide
// as the longest figure in it, in every unit, so no figure runs into the next column.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reporter } from '../../src/core/report';
import { UNITS } from '../../src/core/units';
import { Sampler } from '../../src/sampler/sampler';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { reportOptions } from '../../src/shared/engineOptions';

const HUGE = join(__dirname, '..', '..', 'fixtures', 'huge');

describe('the panel with a 2^63 KB process', () => {
  for (const units of UNITS) {
    it(`-u ${units}: each figure column holds its widest figure`, () => {
      document.body.replaceChildren();
      const api = { postMessage: () => {}, getState: () => undefined, setState: () => {} };
      const app = new PanelApp(document, document.body, api, { pageRows: () => 50, firstVisibleRow: () => 0 });
      const sampler = new Sampler({ root: HUGE });
      const report = new Reporter(reportOptions()).report(sampler.sample());
      sampler.close();
      app.receive({
        type: 'init',
        settings: { ...DEFAULT_PANEL_SETTINGS, units, detail: true },
        helper: { status: 'running', mode: 'root', message: '', canElevate: false },
        report,
      });
      let checked = 0;
      for (const col of Array.from(document.querySelectorAll('col'))) {
        const name = col.className.replace(/^pm-w-/, '');
        const cells = Array.from(document.querySelectorAll(`td.pm-${name}.pm-num`)).map((td) => td.textContent ?? '');
        if (!cells.length || name === 'line' || name === 'count') continue;
        const ch = Number(/calc\((\d+)ch/.exec(col.style.width)?.[1]);
        expect(ch, `${name}: ${col.style.width}`).toBeGreaterThanOrEqual(Math.max(...cells.map((t) => t.length)));
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(4);
      // KB writes every digit: the widest figure there is 25 characters.
      if (units === 'KB') expect(Array.from(document.querySelectorAll('td.pm-ptotal')).map((t) => t.textContent?.length)).toContain(25);
      app.dispose();
    });
  }
});
