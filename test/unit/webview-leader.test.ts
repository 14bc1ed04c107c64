// @vitest-environment happy-dom
// The leader in the panel: its layout beside the banner, and a tooltip on each figure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
