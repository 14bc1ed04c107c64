// The recording panel (pmemstat: Open Recording): a timeline of the recording — a slider over its
// samples, its events marked, buttons and keys to step — and the report of the chosen moment as
// the terminal prints it. Text goes in through textContent only; every message from the host is
// validated (src/shared/recordingView.ts).
import { headerLine, leaderLines, rowLine, type FormatOptions } from '../src/core/format';
import { eventIndexes, momentText, stepIndex, type TimelineEvent, type TimeStep } from '../src/core/timeline';
import { printable } from '../src/core/printable';
import type { Report } from '../src/core/types';
import { parseRecordingHostMessage, type RecordingViewMessage } from '../src/shared/recordingView';
import { syncLines, setText } from './dom';

/** The buttons, in order: what each does, its text and its key. */
export const STEP_BUTTONS: readonly { step: TimeStep; text: string; key: string; title: string }[] = [
  { step: 'first', text: '\u23ee', key: '<', title: 'the first sample (<)' },
  { step: 'prevEvent', text: '\u21e4', key: '{', title: 'the previous sample with an event ({)' },
  { step: 'back', text: '\u25c0', key: '[', title: 'one sample back ([)' },
  { step: 'forward', text: '\u25b6', key: ']', title: 'one sample forward (])' },
  { step: 'nextEvent', text: '\u21e5', key: '}', title: 'the next sample with an event (})' },
  { step: 'last', text: '\u23ed', key: '>', title: 'the last sample (>)' },
];

export class RecordingView {
  private times: number[] = [];
  private events: TimelineEvent[] = [];
  private index = 0;
  readonly title: HTMLElement;
  readonly slider: HTMLInputElement;
  readonly marks: HTMLElement;
  readonly status: HTMLElement;
  readonly problem: HTMLElement;
  readonly table: HTMLElement;
  readonly buttons: HTMLButtonElement[];

  constructor(
    private readonly doc: Document,
    mount: HTMLElement,
    private readonly post: (m: RecordingViewMessage) => void,
  ) {
    const div = (className: string) => {
      const d = doc.createElement('div');
      d.className = className;
      return d;
    };
    this.title = div('rec-title');
    const bar = div('rec-bar');
    this.buttons = STEP_BUTTONS.map((b) => {
      const e = doc.createElement('button');
      e.type = 'button';
      e.textContent = b.text;
      e.title = b.title;
      e.setAttribute('aria-label', b.title);
      e.addEventListener('click', () => this.step(b.step));
      return e;
    });
    this.slider = doc.createElement('input');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'the recorded moment');
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value), false));
    this.slider.addEventListener('change', () => this.show(Number(this.slider.value), true));
    const track = div('rec-track');
    this.marks = div('rec-marks');
    track.append(this.slider, this.marks);
    bar.append(...this.buttons.slice(0, 3), track, ...this.buttons.slice(3));
    this.status = div('rec-status');
    this.problem = div('rec-problem');
    this.table = div('rec-table');
    mount.append(this.title, bar, this.status, this.problem, this.table);
    doc.addEventListener('keydown', (e) => {
      const b = STEP_BUTTONS.find((x) => x.key === e.key);
      if (!b || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      this.step(b.step);
    });
    post({ type: 'ready' });
  }

  get at(): number | undefined {
    return this.times[this.index];
  }

  /** A message from the host; what is not a valid message is ignored. */
  receive(raw: unknown): void {
    const m = parseRecordingHostMessage(raw);
    if (!m) return;
    if (m.type === 'problem') {
      setText(this.problem, printable(m.message));
      return;
    }
    setText(this.problem, '');
    if (m.type === 'timeline') {
      this.times = m.times;
      this.events = m.events;
      setText(this.title, printable(m.title));
      this.slider.max = String(Math.max(0, this.times.length - 1));
      this.drawMarks();
    }
    const i = this.times.indexOf(m.at);
    if (i >= 0) this.index = i;
    this.slider.value = String(this.index);
    setText(this.status, momentText(this.times, this.events, this.index));
    this.drawTable(m.report);
  }

  private drawMarks(): void {
    const n = this.times.length;
    this.marks.replaceChildren(
      ...eventIndexes(this.times, this.events).map((i) => {
        const mark = this.doc.createElement('span');
        mark.className = 'rec-mark';
        mark.style.left = `${n > 1 ? (i / (n - 1)) * 100 : 0}%`;
        mark.title = momentText(this.times, this.events, i);
        mark.addEventListener('click', () => this.show(i, true));
        return mark;
      }),
    );
  }

  step(step: TimeStep): void {
    this.show(stepIndex(this.times, this.events, this.index, step), true);
  }

  /** Stand at sample `i`; `ask`: fetch its report (a drag shows the time only until it is let go). */
  private show(i: number, ask: boolean): void {
    if (this.times.length === 0 || !Number.isInteger(i)) return;
    this.index = Math.min(Math.max(0, i), this.times.length - 1);
    this.slider.value = String(this.index);
    setText(this.status, momentText(this.times, this.events, this.index));
    if (ask) this.post({ type: 'seek', at: this.times[this.index] });
  }

  private drawTable(r: Report): void {
    const f: FormatOptions = { units: 'MB', detail: r.detail, showCpu: true, numbers: false, groupBy: r.options.groupBy };
    const lines = [...leaderLines(r.leader, true), headerLine(f), rowLine(r.total, f), ...r.rows.map((row) => rowLine({ ...row, info: row.info }, f))];
    syncLines(this.table, lines.map(printable));
  }
}
