// @vitest-environment happy-dom
// The leader in the panel: its layout beside the banner, and a tooltip on each figure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEADER_HELP } from '../../src/core/leaderHelp';
import { DEFAULT_PANEL_SETTINGS, type HelperState } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { $, baseProcs, RecordingApi, reporter } from './webview-fixtures';

const USER: HelperState = { status: 'running', mode: 'user', message: '', canElevate: true };
let app: PanelApp | null = null;

function mount(): PanelApp {
  app?.dispose();
  document.head.replaceChildren();
  document.body.replaceChildren();
  const style = document.createElement('style');
  style.textContent = readFileSync(join(__dirname, '..', '..', 'webview', 'style.css'), 'utf8');
  document.head.append(style);
  app = new PanelApp(document, document.body, new RecordingApi(undefined), { pageRows: () => 4, firstVisibleRow: () => 0 });
  return app;
}
afterEach(() => {
  app?.dispose();
  app = null;
});

describe('the leader beside the banner', () => {
  it('only the table gives up height: the leader, banner, toolbar and status keep theirs', () => {
    const a = mount();
    const report = reporter()(baseProcs(), { inaccessible: 3 });
    a.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, detail: true }, helper: USER, report });
    expect($('#pm-banner').hidden).toBe(false);
    expect($('#pm-leader').children.length).toBe(2);
    // overflow: hidden makes their minimum height 0: shrinkable, they would lose lines to the table
    for (const id of ['pm-toolbar', 'pm-leader', 'pm-banner', 'pm-kill-indicator', 'pm-status']) {
      expect(getComputedStyle($(`#${id}`)).flexShrink, id).toBe('0');
    }
    expect(getComputedStyle($('#pm-scroll')).flexShrink).toBe('1');
  });
});

describe('the leader explains itself', () => {
  it('each figure is its own span with a tooltip saying what it is', () => {
    const a = mount();
    a.receive({ type: 'init', settings: DEFAULT_PANEL_SETTINGS, helper: USER, report: reporter()(baseProcs()) });
    const spans = [...$('#pm-leader').querySelectorAll('span')];
    const byText = (re: RegExp) => spans.find((s) => re.test(s.textContent ?? ''));
    expect(byText(/^Oth=/)?.title).toBe(`Oth: ${LEADER_HELP.oth.help}`);
    expect(byText(/^Sh\+Tmp=/)?.title).toBe(`Sh+Tmp: ${LEADER_HELP.shTmp.help}`);
    expect(byText(/^Dirty=/)?.title).toContain('not yet on disk');
    expect(byText(/^PIDs=7\/7$/)?.title).toContain('PIDs=a/b');
    expect(byText(/%\/ker$/)?.title).toContain('kernel threads');
    // the text reads as before
    expect($('#pm-leader > div').textContent).toMatch(/^\d\d:\d\d:\d\d Tot=15\.3G Used=5\.7G Avail=9\.5G Oth=\S+ Sh\+Tmp=\S+ Dirty=1\.0M PIDs=7\/7$/);
    // the spaces between figures explain nothing
    expect(spans.filter((s) => s.textContent === ' ').every((s) => !s.hasAttribute('title'))).toBe(true);
  });

  it('names the processes that were not accessible, in the tooltip and the banner', () => {
    const a = mount();
    const named = Array.from({ length: 25 }, (_, i) => ({ pid: i + 1, name: i === 0 ? '/sbin/init splash' : `daemon-${i + 1}` }));
    const report = reporter()(baseProcs(), { inaccessible: 60, inaccessibleProcs: named });
    a.receive({ type: 'init', settings: DEFAULT_PANEL_SETTINGS, helper: USER, report });
    const span = [...$('#pm-leader').querySelectorAll('span')].find((s) => s.textContent === '[60 not accessible]');
    const lines = span!.title.split('\n');
    expect(lines[0]).toContain('could not be read');
    expect(lines[1]).toBe('1 /sbin/init splash');
    expect(lines.at(-1)).toBe('and 40 more');
    expect($('.pm-banner-text').title).toBe(lines.slice(1).join('\n'));
  });
});
