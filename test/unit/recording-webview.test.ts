// @vitest-environment happy-dom
// The recording panel's page (webview/recordingView.ts) on a real recording read as the helper
// reads it: the timeline, its event marked, the step buttons and keys asking for the right
// moment, the table of the moment shown, and messages that are not valid ignored.

import { beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../support';
import { localIso } from '../../src/core/isotime';
import type { Report } from '../../src/core/types';
import { readRecording } from '../../src/recorder/recordingRead';
import { openWasmDb } from '../../src/recorder/wasmDb';
import { defaultEngineOptions } from '../../src/shared/engineOptions';
import type { RecordingHostMessage, RecordingViewMessage } from '../../src/shared/recordingView';
import { RecordingView, STEP_BUTTONS } from '../../webview/recordingView';
import { makeRecording } from './recordingFixture';

const dir = tmpDir('recview');
let file = '';
let times: number[] = [];
beforeAll(async () => {
  ({ file, times } = await makeRecording(dir));
});

async function moment(at: number | null, timeline: boolean) {
  const r = await readRecording({ path: file, at, timeline }, defaultEngineOptions(), openWasmDb);
  if (!r.ok) throw new Error(r.message);
  return r;
}

async function open(): Promise<{ view: RecordingView; posted: RecordingViewMessage[]; mount: HTMLElement }> {
  document.body.replaceChildren();
  const mount = document.createElement('div');
  document.body.append(mount);
  const posted: RecordingViewMessage[] = [];
  const view = new RecordingView(document, mount, (m) => posted.push(m));
  const first = await moment(null, true);
  const msg: RecordingHostMessage = { type: 'timeline', title: file, times: first.times!, events: first.events!, at: first.at, report: first.report };
  view.receive(JSON.parse(JSON.stringify(msg)));
  return { view, posted, mount };
}

const button = (v: RecordingView, step: string) => v.buttons[STEP_BUTTONS.findIndex((b) => b.step === step)];
const tableText = (v: RecordingView) => [...v.table.children].map((c) => c.textContent ?? '');

describe('the recording panel', () => {
  it('says ready, then shows the last moment: slider, its event marked, the status and the table', async () => {
    const { view, posted } = await open();
    expect(posted[0]).toEqual({ type: 'ready' });
    expect(view.slider.max).toBe('2');
    expect(view.slider.value).toBe('2');
    expect(view.status.textContent).toBe(`${localIso(times[2])}  3/3  { previous event`);
    const marks = [...view.marks.children] as HTMLElement[];
    expect(marks).toHaveLength(1);
    expect(marks[0].style.left).toBe('50%');
    // The recorded name is shown printable: no ESC reaches the page.
    expect(marks[0].title).toContain('oom-kill pid 4242 hog');
    expect(marks[0].title).not.toContain('\u001b');
    const lines = tableText(view);
    expect(lines.some((l) => l.includes('TOTALS'))).toBe(true);
    expect(lines.length).toBeGreaterThan(4);
  });

  it('steps by buttons and keys, asking the host for that moment, and shows what it answers', async () => {
    const { view, posted } = await open();
    button(view, 'back').click();
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    expect(view.status.textContent).toContain('2/3  oom-kill pid 4242 hog');
    button(view, 'first').click();
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[0] });
    document.dispatchEvent(new KeyboardEvent('keydown', { key: '}' }));
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    document.dispatchEvent(new KeyboardEvent('keydown', { key: ']' }));
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[2] });
    document.dispatchEvent(new KeyboardEvent('keydown', { key: '{' }));
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    // The host's answer: the first moment's table.
    const m0 = await moment(times[0], false);
    const before = tableText(view).join('\n');
    view.receive({ type: 'moment', at: m0.at, report: m0.report });
    expect(view.slider.value).toBe('0');
    expect(view.status.textContent?.startsWith(`${localIso(times[0])}  1/3`)).toBe(true);
    expect(tableText(view).join('\n')).not.toBe(before);
    // A click on the event's mark goes there.
    (view.marks.children[0] as HTMLElement).click();
    expect(posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
  });

  it('ignores messages that are not valid, and shows a problem as text', async () => {
    const { view } = await open();
    const before = tableText(view).join('\n');
    view.receive({ type: 'moment', at: times[0], report: { rows: 'x' } as unknown as Report });
    view.receive({ type: 'moment', at: -1, report: (await moment(times[0], false)).report });
    view.receive({ type: 'nonsense' });
    view.receive(null);
    expect(tableText(view).join('\n')).toBe(before);
    view.receive({ type: 'problem', message: '<b>no</b> such file' });
    expect(view.problem.textContent).toBe('<b>no</b> such file');
    expect(view.problem.children).toHaveLength(0);
  });
});
