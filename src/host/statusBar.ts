// The status-bar glance: used/total memory and percent from /proc/meminfo
// every `pmemstat.statusBar.interval` seconds. No privilege, no smaps, no helper: the
// only other reads are the tiny zram sysfs files (for the tooltip, when zRAM is active).
import { promises as fs, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { hhmmss } from '../core/format';
import { printable } from '../core/printable';
import { parseMeminfo } from '../core/procfiles';
import type { GroupRow, LeaderFigures, MemInfo, ZramStats } from '../core/types';
import { fixed1, human, roundHalfEven } from '../core/units';
import { readZramStats } from '../proc/zramfs';
import { errorText, type Log } from './log';
import type { StatusBarSettings } from './settings';

export const STATUS_ITEM_ID = 'pmemstat.status';
export const WARNING_AVAIL_PCT = 10;
export const ERROR_AVAIL_PCT = 5;
const TOP_GROUPS = 5;
const NAME_MAX = 60;

export interface Glance {
  meminfo: MemInfo;
  zram: ZramStats | null;
}

/** Read /proc/meminfo (and the active zram devices) under a root directory. */
export async function readGlance(root = '/'): Promise<Glance> {
  const meminfo = parseMeminfo(await fs.readFile(posix.join(root, 'proc/meminfo'), 'utf8'));
  if (meminfo.memTotal <= 0) throw new Error('no MemTotal in /proc/meminfo');
  return { meminfo, zram: readZramStats(root) };
}

/**
 * The same, at once: for the item's first figures, so that it shows them the moment it
 * appears (one kernel-generated page, no disk; later reads are asynchronous).
 */
export function readGlanceNow(root = '/'): Glance {
  const meminfo = parseMeminfo(readFileSync(posix.join(root, 'proc/meminfo'), 'utf8'));
  if (meminfo.memTotal <= 0) throw new Error('no MemTotal in /proc/meminfo');
  return { meminfo, zram: readZramStats(root) };
}

const SUFFIXES = ['K', 'M', 'G', 'T'];

/** "7.4/23.5G": both figures in the unit that `human` picks for the total. */
export function usedOfTotal(usedKb: number, totalKb: number): string {
  let i = 0;
  let t = totalKb;
  while (t >= 999.95 && i < SUFFIXES.length - 1) {
    t /= 1024;
    i++;
  }
  const div = 1024 ** i;
  return `${fixed1(usedKb / div)}/${fixed1(totalKb / div)}${SUFFIXES[i]}`;
}

export function usedPct(m: MemInfo): number {
  return m.memTotal > 0 ? roundHalfEven((100 * (m.memTotal - m.memAvailable)) / m.memTotal) : 0;
}

export function availPct(m: MemInfo): number {
  return m.memTotal > 0 ? (100 * m.memAvailable) / m.memTotal : 100;
}

export type GlanceLevel = 'ok' | 'warning' | 'error';

/** Warning under 10 % available, error under 5 %. */
export function glanceLevel(m: MemInfo): GlanceLevel {
  const a = availPct(m);
  return a < ERROR_AVAIL_PCT ? 'error' : a < WARNING_AVAIL_PCT ? 'warning' : 'ok';
}

export function glanceText(m: MemInfo): string {
  return `$(server) ${usedOfTotal(m.memTotal - m.memAvailable, m.memTotal)} ${usedPct(m)}%`;
}

const hk = (kb: number) => human(kb * 1024);

export function glanceAccessibility(m: MemInfo): string {
  return `Memory: ${hk(m.memTotal - m.memAvailable)} of ${hk(m.memTotal)} used, ${usedPct(m)} percent; ${hk(m.memAvailable)} available. Open pmemstat.`;
}

/** One line of the tooltip's group list: the name made printable and short. */
export function plainName(s: string): string {
  const flat = printable(s);
  return flat.length > NAME_MAX ? flat.slice(0, NAME_MAX - 1) + '\u2026' : flat;
}

/** A leak suspect as the status bar names it. */
export interface LeakSuspect {
  info: string;
  /** ptotal growth over the leak window, KB. */
  growthKb: number;
  seconds: number;
  /** ptotal now, KB. */
  ptotal: number;
}

const MAX_TOOLTIP_SUSPECTS = 8;

/** The item's text: the glance, and `$(warning) N` while there are leak suspects to warn about. */
export function glanceTextWithLeaks(m: MemInfo, suspects: readonly LeakSuspect[]): string {
  return suspects.length ? `${glanceText(m)} $(warning) ${suspects.length}` : glanceText(m);
}

export function leakAccessibility(suspects: readonly LeakSuspect[]): string {
  if (!suspects.length) return '';
  const names = suspects.slice(0, 3).map((s) => plainName(s.info));
  const more = suspects.length > 3 ? ` and ${suspects.length - 3} more` : '';
  return ` Warning: ${suspects.length} suspected memory ${suspects.length === 1 ? 'leak' : 'leaks'}: ${names.join(', ')}${more}.`;
}

function seconds(s: number): string {
  return s >= 120 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}

/** The panel's newest report, as far as the tooltip shows it. */
export interface TopGroups {
  time: number;
  rows: readonly GroupRow[];
  /** Its leader: Sh+Tmp is the leader's (Shmem − ΣPss_Shmem), as in the panel, the CLI and the window. */
  leader: Pick<LeaderFigures, 'shTmp'>;
}

export function topGroupsOf(rows: readonly GroupRow[], n = TOP_GROUPS): GroupRow[] {
  return rows
    .filter((r) => r.type !== 'x')
    .slice()
    .sort((a, b) => b.mem.ptotal - a.mem.ptotal)
    .slice(0, n);
}

/** The tooltip: the figures, zRAM when active, leak suspects, and the panel's top groups while it runs. */
export function glanceTooltip(g: Glance, top: TopGroups | null, suspects: readonly LeakSuspect[] = []): vscode.MarkdownString {
  const m = g.meminfo;
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  const pct = (kb: number) => (m.memTotal > 0 ? ` (${roundHalfEven((100 * kb) / m.memTotal)}%)` : '');
  md.appendMarkdown('**pmemstat** \u2014 memory\n\n');
  md.appendMarkdown('| | |\n|:--|--:|\n');
  md.appendMarkdown(`| Used | ${hk(m.memTotal - m.memAvailable)}${pct(m.memTotal - m.memAvailable)} |\n`);
  md.appendMarkdown(`| Avail | ${hk(m.memAvailable)}${pct(m.memAvailable)} |\n`);
  md.appendMarkdown(`| Total | ${hk(m.memTotal)} |\n`);
  // Sh+Tmp needs every process's Pss_Shmem: the panel's report has it; without one, the kernel's
  // Shmem is shown under its own name (it counts shared memory the processes' PSS holds too).
  if (top) md.appendMarkdown(`| Sh+Tmp | ${hk(top.leader.shTmp)} |\n`);
  else md.appendMarkdown(`| Shmem | ${hk(m.shmem)} |\n`);
  md.appendMarkdown(`| Dirty | ${hk(m.dirty)} |\n`);
  md.appendMarkdown(
    m.swapTotal > 0 ? `| Swap | ${hk(m.swapTotal - m.swapFree)} of ${hk(m.swapTotal)} |\n` : '| Swap | none |\n',
  );
  if (g.zram) {
    const z = g.zram;
    const cr = z.comprDataSize > 0 ? z.origDataSize / z.comprDataSize : 0;
    md.appendMarkdown(`| zRAM | ${human(z.memUsedTotal)} holds ${human(z.origDataSize)} (CR ${fixed1(cr)}) |\n`);
  }
  if (suspects.length) {
    md.appendMarkdown(`\n$(warning) **Leak suspects** (ptotal kept rising):\n\n`);
    for (const s of suspects.slice(0, MAX_TOOLTIP_SUSPECTS)) {
      md.appendMarkdown(`- +${hk(s.growthKb)} in ${seconds(s.seconds)}, now ${hk(s.ptotal)} `);
      md.appendText(plainName(s.info));
      md.appendMarkdown('\n');
    }
    if (suspects.length > MAX_TOOLTIP_SUSPECTS) md.appendMarkdown(`- and ${suspects.length - MAX_TOOLTIP_SUSPECTS} more\n`);
  }
  if (top && top.rows.length) {
    md.appendMarkdown(`\n**Top groups** (ptotal, ${hhmmss(top.time)}):\n\n`);
    for (const r of topGroupsOf(top.rows)) {
      md.appendMarkdown(`- ${hk(r.mem.ptotal)} `);
      md.appendText(plainName(r.info));
      md.appendMarkdown('\n');
    }
  }
  md.appendMarkdown('\nClick to open pmemstat.');
  return md;
}

/** The status-bar item and its timer. */
export class StatusBarController implements vscode.Disposable {
  private item: vscode.StatusBarItem | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private top: TopGroups | null = null;
  private suspects: LeakSuspect[] = [];
  private leakWarning = true;
  private last: Glance | null = null;
  private failed = false;
  private settings: StatusBarSettings;
  /** Called after each refresh (the OOM notifier looks then: src/host/oomNotifier.ts). */
  onRefresh: (() => void) | null = null;

  constructor(
    settings: StatusBarSettings,
    private readonly log: Log,
    private readonly root = '/',
  ) {
    this.settings = settings;
    this.apply();
  }

  /** The status-bar settings changed. */
  update(settings: StatusBarSettings): void {
    const same = settings.enabled === this.settings.enabled && settings.interval === this.settings.interval;
    this.settings = settings;
    if (!same) this.apply();
  }

  /** The panel's latest groups (null when the panel stops). */
  setTopGroups(top: TopGroups | null): void {
    this.top = top;
    if (this.item && this.last) this.item.tooltip = glanceTooltip(this.last, this.top, this.warnedSuspects);
  }

  /** The panel's leak suspects (null or [] when none, or when the panel stops). */
  setLeaks(suspects: readonly LeakSuspect[] | null): void {
    this.suspects = suspects ? [...suspects] : [];
    this.show();
  }

  /** `pmemstat.leak.statusBarWarning`: whether suspects show in the item. */
  setLeakWarning(on: boolean): void {
    if (on === this.leakWarning) return;
    this.leakWarning = on;
    this.show();
  }

  /** The suspects the item warns about now. */
  get warnedSuspects(): readonly LeakSuspect[] {
    return this.leakWarning ? this.suspects : [];
  }

  get visible(): boolean {
    return this.item !== null;
  }

  private apply(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.settings.enabled) {
      this.item?.dispose();
      this.item = null;
      return;
    }
    if (!this.item) {
      const item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
      item.name = 'pmemstat';
      item.command = 'pmemstat.open';
      item.text = '$(server) \u2026';
      item.accessibilityInformation = { label: 'pmemstat memory', role: 'button' };
      this.item = item;
      try {
        this.last = readGlanceNow(this.root);
        this.show();
      } catch {
        /* the asynchronous read below says what is wrong */
      }
      item.show();
    }
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.settings.interval * 1000);
  }

  /** Read and show once (also what the timer does). */
  async refresh(): Promise<void> {
    let g: Glance;
    try {
      g = await readGlance(this.root);
    } catch (e) {
      if (!this.failed) this.log.warn(`status bar: cannot read /proc/meminfo: ${errorText(e)}`);
      this.failed = true;
      if (this.item) {
        this.item.text = '$(server) ?';
        this.item.tooltip = 'pmemstat: /proc/meminfo is not readable';
        this.item.backgroundColor = undefined;
      }
      return;
    }
    this.failed = false;
    this.last = g;
    this.show();
    this.onRefresh?.();
  }

  /** Put the last glance (and the leak suspects) into the item. */
  private show(): void {
    const item = this.item;
    const g = this.last;
    if (!item || !g) return;
    const m = g.meminfo;
    const suspects = this.warnedSuspects;
    item.text = glanceTextWithLeaks(m, suspects);
    const level = glanceLevel(m);
    item.backgroundColor =
      level === 'ok' ? undefined : new vscode.ThemeColor(level === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
    item.accessibilityInformation = { label: glanceAccessibility(m) + leakAccessibility(suspects), role: 'button' };
    item.tooltip = glanceTooltip(g, this.top, suspects);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.item?.dispose();
    this.item = null;
  }
}
