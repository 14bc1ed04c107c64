// What the table's marks mean, on the screen itself: a first-run strip above the table (closed
// once, it stays closed: state.ts) and the same list in the help overlay. Each mark is drawn
// with the classes of the rows it explains (style.css), so the legend looks like the table.
import { closeButton, setText } from './dom';

export interface LegendItem {
  /** The mark as the table shows it. */
  mark: string;
  /** The row class that colours it (tableRows.ts); '' for none. */
  rowClass: string;
  /** What it means, in a few words. */
  text: string;
}

export const LEGEND_ITEMS: readonly LegendItem[] = [
  { mark: 'T', rowClass: 'pm-total', text: 'total' },
  { mark: 'A', rowClass: 'pm-new', text: 'new group' },
  { mark: '+NK', rowClass: 'pm-grow', text: 'grew by N KB' },
  { mark: '\u2212NK', rowClass: 'pm-shrink', text: 'shrank by N KB' },
  { mark: 'x', rowClass: 'pm-gone', text: 'vanished (shown once)' },
  { mark: 'O', rowClass: 'pm-overflow', text: 'groups folded away (top %, search, fit)' },
  { mark: '1,234', rowClass: 'pm-old', text: 'italic: figures as of an earlier tick (walk budget; hover the name for when)' },
  { mark: 'trend', rowClass: '', text: 'ptotal over recent samples; leak? = keeps growing' },
];

/** One mark, styled as in the table. */
function markOf(doc: Document, item: LegendItem): HTMLElement {
  const m = doc.createElement('span');
  m.className = `pm-legend-mark ${item.rowClass}`.trim();
  m.textContent = item.mark;
  return m;
}

export interface Legend {
  root: HTMLElement;
  close: HTMLElement;
}

/** The first-run strip: every mark with its meaning, and a button that closes it for good. */
export function buildLegend(doc: Document): Legend {
  const root = doc.createElement('div');
  root.id = 'pm-legend';
  root.setAttribute('role', 'note');
  root.setAttribute('aria-label', 'What the marks mean');
  const lead = doc.createElement('span');
  lead.className = 'pm-legend-lead';
  lead.textContent = 'Marks:';
  root.append(lead);
  for (const item of LEGEND_ITEMS) {
    const entry = doc.createElement('span');
    entry.className = 'pm-legend-entry';
    const text = doc.createElement('span');
    setText(text, item.text);
    entry.append(markOf(doc, item), text);
    root.append(entry);
  }
  const close = closeButton(doc, { id: 'pm-legend-close', text: 'Got it \u2715', title: 'Hide this legend (? shows it again)', label: 'Hide the legend; the help (?) shows it again' });
  root.append(close);
  return { root, close };
}

/** The help overlay's section of marks (rows of a table, as the keys are). */
export function legendRows(doc: Document): HTMLTableRowElement[] {
  return LEGEND_ITEMS.map((item) => {
    const tr = doc.createElement('tr');
    const th = doc.createElement('th');
    th.scope = 'row';
    th.append(markOf(doc, item));
    const td = doc.createElement('td');
    td.textContent = item.text;
    tr.append(th, td);
    return tr;
  });
}
