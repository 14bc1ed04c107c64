// The panel's fixed DOM: toolbar, leader, banner, kill indicator, table, help overlay.
// Built with createElement/textContent only (never innerHTML): nothing here is
// process-derived, but the habit keeps the rows (which are) safe as well.
import { controlOf, PANEL_OPTIONS, TOOLBAR_OPTIONS, type PanelSettingKey } from '../src/shared/options';
import { buildChartDom, type ChartElements } from './chart';
import { HELP_KEYS } from '../src/shared/keymap';
import { SEARCH_MATCHES } from '../src/core/search';
import { buildLegend, legendRows, type Legend } from './legend';

/** A form control whose value/checked the app reads and writes as properties. */
export interface ValueControl extends HTMLElement {
  value: string;
}
export interface CheckControl extends HTMLElement {
  checked: boolean;
}

/** The table and the selected group's chart, the same in the live and the recording panel. */
export interface TableElements {
  scroll: HTMLElement;
  table: HTMLTableElement;
  thead: HTMLTableSectionElement;
  headRow: HTMLTableRowElement;
  tbody: HTMLTableSectionElement;
  /** The selected group's chart (#pm-chart), under the table. */
  chart: ChartElements;
}

export interface Shell extends TableElements {
  root: HTMLElement;
  toolbar: HTMLElement;
  /** The drop-downs of the enum options (src/shared/options.ts), by setting. */
  selects: Partial<Record<PanelSettingKey, ValueControl>>;
  /** The checkboxes of the boolean options, by setting. */
  checks: Partial<Record<PanelSettingKey, CheckControl>>;
  killToggle: CheckControl;
  search: HTMLInputElement;
  helpButton: HTMLElement;
  refreshButton: HTMLElement;
  exportButton: HTMLElement;
  compareButton: HTMLElement;
  logButton: HTMLElement;
  leader: HTMLElement;
  banner: HTMLElement;
  bannerText: HTMLElement;
  runAsRoot: HTMLElement;
  killIndicator: HTMLElement;
  /** The first-run legend of the marks. */
  legend: Legend;
  /** “Regrouping…” while the table shows the previous grouping. */
  regroup: HTMLElement;
  status: HTMLElement;
  help: HTMLElement;
  helpClose: HTMLElement;
}

/** The scrolled tree-grid both panels show their groups in (the same ids: style.css). */
export function buildTableDom(doc: Document, label: string): Omit<TableElements, 'chart'> {
  const scroll = el(doc, 'div', { id: 'pm-scroll' });
  const table = el(doc, 'table', { id: 'pm-table' });
  table.setAttribute('role', 'treegrid');
  table.setAttribute('aria-label', label);
  table.tabIndex = 0;
  const thead = el(doc, 'thead');
  const headRow = el(doc, 'tr', { className: 'pm-head' });
  thead.append(headRow);
  const tbody = el(doc, 'tbody');
  table.append(thead, tbody);
  scroll.append(table);
  return { scroll, table, thead, headRow, tbody };
}

export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, props: { id?: string; className?: string; text?: string } = {}): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  return e;
}

/** A custom element (vscode-elements) with an id and text. */
function custom(doc: Document, tag: string, props: { id?: string; text?: string } = {}): HTMLElement {
  const e = doc.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.text !== undefined) e.textContent = props.text;
  return e;
}

function button(doc: Document, id: string, text: string, title: string): HTMLElement {
  const b = custom(doc, 'vscode-button', { id, text });
  b.setAttribute('title', title);
  b.setAttribute('aria-label', title);
  b.setAttribute('secondary', '');
  return b;
}

/** A control's words and its key apart: a narrow toolbar hides the keys (the tooltip and help keep them). */
function labelText(doc: Document, into: HTMLElement, name: string, key: string): void {
  into.append(doc.createTextNode(name), el(doc, 'span', { className: 'pm-key', text: ` (${key})` }));
  into.setAttribute('title', `${name} (${key})`);
}

function checkbox(doc: Document, id: string, name: string, key: string): CheckControl {
  const c = doc.createElement('vscode-checkbox') as unknown as CheckControl;
  c.id = id;
  // Its label is its text (slotted: the label attribute would show beside it).
  c.setAttribute('aria-label', `${name} (${key})`);
  labelText(doc, c, name, key);
  c.checked = false;
  return c;
}

/**
 * The drop-down of an enum option, labelled with its words and key (the toolbar's; the recording
 * panel's grouping too), or null for an option that is not an enum.
 */
export function optionSelect(doc: Document, key: PanelSettingKey): { wrap: HTMLElement; select: ValueControl } | null {
  const c = controlOf(key);
  const values = PANEL_OPTIONS[key].values;
  if (values.kind !== 'enum') return null;
  const wrap = el(doc, 'span', { className: 'pm-ctl' });
  const lab = el(doc, 'span', { className: 'pm-ctl-label' });
  labelText(doc, lab, c.label, c.hotkey);
  lab.id = `pm-lbl-${key}`;
  const sel = doc.createElement('vscode-single-select') as unknown as ValueControl;
  sel.id = `pm-opt-${key}`;
  sel.setAttribute('label', `${c.label} (${c.hotkey})`);
  sel.setAttribute('aria-labelledby', lab.id);
  for (const v of values.values) {
    const o = custom(doc, 'vscode-option', { text: `${v}${c.valueSuffix ?? ''}` });
    o.setAttribute('value', String(v));
    sel.append(o);
  }
  wrap.append(lab, sel);
  return { wrap, select: sel };
}

export function buildShell(doc: Document, mount: HTMLElement): Shell {
  const root = el(doc, 'div', { id: 'pm-root' });

  // Toolbar: every option with its key.
  const toolbar = el(doc, 'div', { id: 'pm-toolbar' });
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'pmemstat options');

  const killToggle = checkbox(doc, 'pm-opt-killMode', 'Kill mode', 'K');
  killToggle.classList.add('pm-kill-toggle');
  toolbar.append(killToggle);

  // The options, as the catalogue describes them: a drop-down for an enum, a checkbox for a boolean.
  const selects: Shell['selects'] = {};
  const checks: Shell['checks'] = {};
  for (const key of TOOLBAR_OPTIONS) {
    const c = controlOf(key);
    const values = PANEL_OPTIONS[key].values;
    if (values.kind === 'boolean') {
      const cb = checkbox(doc, `pm-opt-${key}`, c.label, c.hotkey);
      toolbar.append(cb);
      checks[key] = cb;
      continue;
    }
    const made = optionSelect(doc, key);
    if (!made) continue;
    toolbar.append(made.wrap);
    selects[key] = made.select;
  }

  const searchWrap = el(doc, 'span', { className: 'pm-ctl pm-search-wrap' });
  const search = el(doc, 'input', { id: 'pm-search' });
  search.type = 'search';
  search.placeholder = 'Search (/)';
  search.setAttribute('aria-label', 'Search the row info and command lines (/)');
  search.title = `Search ${SEARCH_MATCHES} (/)`;
  search.spellcheck = false;
  search.autocomplete = 'off';
  searchWrap.append(search);
  toolbar.append(searchWrap);

  const refreshButton = button(doc, 'pm-refresh', 'Refresh', 'Sample now');
  const exportButton = button(doc, 'pm-export', 'Export\u2026', 'Export the current sample as JSON or CSV');
  const compareButton = button(doc, 'pm-compare', 'Compare\u2026', 'Compare a saved JSON snapshot with now: what grew, shrank, appeared or went');
  const logButton = button(doc, 'pm-log', 'Log', 'Show the pmemstat log');
  const helpButton = button(doc, 'pm-help-button', '?', 'Keys and marks (?)');
  // The buttons wrap as one: `?` never ends up alone on a line of its own.
  const actions = el(doc, 'span', { className: 'pm-actions' });
  actions.append(refreshButton, exportButton, compareButton, logButton, helpButton);
  toolbar.append(actions);

  // Leader line(s), one div each.
  const leader = el(doc, 'div', { id: 'pm-leader' });
  leader.setAttribute('aria-label', 'Memory summary');

  // Permission banner.
  const banner = el(doc, 'div', { id: 'pm-banner' });
  banner.setAttribute('role', 'status');
  banner.hidden = true;
  const bannerText = el(doc, 'span', { className: 'pm-banner-text' });
  const runAsRoot = button(doc, 'pm-run-as-root', 'Run as Root\u2026', 'Restart the sampler as root to see every process');
  runAsRoot.removeAttribute('secondary');
  banner.append(bannerText, runAsRoot);

  const killIndicator = el(doc, 'div', { id: 'pm-kill-indicator' });
  killIndicator.setAttribute('role', 'status');
  killIndicator.hidden = true;
  killIndicator.textContent = 'KILL MODE \u2014 Enter (or a row\u2019s \u2715 button) asks to kill the selected row\u2019s processes; K or Esc leaves';

  const legend = buildLegend(doc);
  const regroup = el(doc, 'div', { id: 'pm-regroup' });
  regroup.setAttribute('role', 'status');
  regroup.hidden = true;

  // The table.
  const { scroll, table, thead, headRow, tbody } = buildTableDom(doc, 'Processes by proportional memory');

  const status = el(doc, 'div', { id: 'pm-status' });
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  // Help overlay.
  const help = el(doc, 'div', { id: 'pm-help' });
  help.setAttribute('role', 'dialog');
  help.setAttribute('aria-label', 'pmemstat keys');
  help.hidden = true;
  const helpTitle = el(doc, 'h2', { text: 'pmemstat keys' });
  const helpTable = el(doc, 'table', { className: 'pm-help-keys' });
  const helpBody = el(doc, 'tbody');
  for (const [k, what] of HELP_KEYS) {
    const tr = el(doc, 'tr');
    const th = el(doc, 'th', { text: k });
    th.scope = 'row';
    tr.append(th, el(doc, 'td', { text: what }));
    helpBody.append(tr);
  }
  helpTable.append(helpBody);
  const marksTitle = el(doc, 'h2', { text: 'Marks' });
  const marksTable = el(doc, 'table', { className: 'pm-help-keys pm-help-marks' });
  const marksBody = el(doc, 'tbody');
  marksBody.append(...legendRows(doc));
  marksTable.append(marksBody);
  const helpClose = button(doc, 'pm-help-close', 'Close', 'Close the help (Esc)');
  help.append(helpTitle, helpTable, marksTitle, marksTable, helpClose);

  const chart = buildChartDom(doc);

  root.append(toolbar, leader, banner, killIndicator, legend.root, regroup, scroll, chart.root, status, help);
  mount.append(root);

  return {
    root,
    toolbar,
    selects,
    checks,
    killToggle,
    search,
    helpButton,
    refreshButton,
    exportButton,
    compareButton,
    logButton,
    leader,
    banner,
    bannerText,
    runAsRoot,
    killIndicator,
    legend,
    regroup,
    status,
    scroll,
    table,
    thead,
    headRow,
    tbody,
    chart,
    help,
    helpClose,
  };
}
