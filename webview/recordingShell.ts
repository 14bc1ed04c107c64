// The recording panel's fixed DOM: the recording's name and the moment, the grouping, the timeline, the
// leader, the live panel's table (the same ids, so the same styles: style.css) and the selected
// group's chart. createElement/textContent only, never innerHTML.
import { buildChartDom } from './chart';
import { buildTableDom, el, optionSelect, type TableElements, type ValueControl } from './shell';
import type { TimelineView } from './timelineView';

export interface RecordingShell extends TableElements {
  root: HTMLElement;
  title: HTMLElement;
  /** Where the moment stands: its time, its place, its events. */
  moment: HTMLElement;
  search: HTMLInputElement;
  /** The live panel's Group drop-down (key g). */
  groupBy: ValueControl;
  problem: HTMLElement;
  leader: HTMLElement;
}


export function buildRecordingShell(doc: Document, mount: HTMLElement, timeline: TimelineView): RecordingShell {
  const root = el(doc, 'div', { id: 'pm-root', className: 'pm-recording' });
  const head = el(doc, 'div', { id: 'pm-rec-head' });
  const title = el(doc, 'span', { id: 'pm-rec-title' });
  const moment = el(doc, 'span', { id: 'pm-rec-moment' });
  moment.setAttribute('role', 'status');
  moment.setAttribute('aria-live', 'polite');
  const search = el(doc, 'input', { id: 'pm-search' });
  search.type = 'search';
  search.placeholder = 'Search (/)';
  search.setAttribute('aria-label', 'Search the rows of this moment (/)');
  search.spellcheck = false;
  search.autocomplete = 'off';
  const group = optionSelect(doc, 'groupBy');
  if (!group) throw new Error('the groupBy option has no drop-down');
  head.append(title, moment, group.wrap, search);
  const problem = el(doc, 'div', { id: 'pm-rec-problem' });
  problem.setAttribute('role', 'alert');
  const leader = el(doc, 'div', { id: 'pm-leader' });
  leader.setAttribute('aria-label', 'Memory summary at this moment');
  const { scroll, table, thead, headRow, tbody } = buildTableDom(doc, 'Processes by proportional memory at the recorded moment');
  const chart = buildChartDom(doc);
  chart.root.setAttribute('aria-label', 'Memory of the selected group over the recording');
  chart.exportButton.hidden = true; // (the live history's export: a recording is queried with sqlite3)
  root.append(head, timeline.root, problem, leader, scroll, chart.root);
  mount.append(root);
  return { root, title, moment, search, groupBy: group.select, problem, leader, scroll, table, thead, headRow, tbody, chart };
}
