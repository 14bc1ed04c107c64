// The panel's words around the table: the leader lines, the permission banner and the
// status line (the sampler's state, the outcome of a kill): the text (pure), and its writing.
import { leaderParts, type LeaderPart } from '../src/core/format';
import { inaccessibleList, LEADER_HELP } from '../src/core/leaderHelp';
import type { LeaderFigures, Report } from '../src/core/types';
import { killSummary, type KillResult } from '../src/shared/kill';
import type { HelperState, PanelSettings } from '../src/shared/webviewProtocol';
import { leakCountText, processes } from './columns';
import { setAttr, setText, syncPieces, type Piece } from './dom';
import type { Shell } from './shell';

/** The leader lines for a report as the view shows it, figure by figure (null: no sample yet). */
export function leaderView(report: Report | null, view: { pidsShown: number } | null, search: string, showCpu: boolean, leakCount: number): LeaderPart[][] {
  if (!report || !view) return [[{ text: 'Waiting for the first sample\u2026', figure: null }]];
  const lines = leaderParts({ ...report.leader, pidsShown: view.pidsShown, search }, showCpu);
  const leaks = leakCountText(leakCount);
  if (leaks) lines[0].push({ text: leaks, figure: null });
  return lines;
}

export function leaderText(report: Report | null, view: { pidsShown: number } | null, search: string, showCpu: boolean, leakCount: number): string[] {
  return leaderView(report, view, search, showCpu, leakCount).map((parts) => parts.map((p) => p.text).join(''));
}

/** The names of the processes left out, one a line ('' when none were named). */
function inaccessibleNames(l: LeaderFigures): string {
  return inaccessibleList(l.inaccessible, l.inaccessibleProcs).join('\n');
}

/** A leader figure's tooltip: what it is (and, for the processes left out, which they are). */
export function leaderTooltip(part: LeaderPart, l: LeaderFigures | null): string {
  if (part.figure === null) return '';
  const h = LEADER_HELP[part.figure];
  const what = `${h.label}: ${h.help}`;
  const names = part.figure === 'inaccessible' && l ? inaccessibleNames(l) : '';
  return names ? `${what}\n${names}` : what;
}

/** Why processes are missing, and what would help. */
export function bannerText(inaccessible: number, helper: HelperState): string {
  const elevated = helper.mode !== null && helper.mode !== 'user';
  return elevated
    ? `${processes(inaccessible)} not accessible even as root (a container or sandbox limits /proc); left out.`
    : `${processes(inaccessible)} of other users left out (never shown as 0). Run as root to see them.`;
}

const MODE_TEXT: Record<string, string> = {
  root: 'as root',
  'sudo-n': 'as root (sudo)',
  'sudo-prompt': 'as root (sudo, graphical prompt)',
  'sudo-S': 'as root (sudo password)',
  user: 'as your user (only your own processes are readable)',
};

export function helperText(h: HelperState, s: PanelSettings): string {
  switch (h.status) {
    case 'starting':
      return 'Starting the sampler\u2026';
    case 'elevating':
      return 'Restarting the sampler as root\u2026';
    case 'running':
      return `Sampling every ${s.loopSeconds} s${h.mode ? ` ${MODE_TEXT[h.mode]}` : ''}${h.message && h.mode !== 'user' ? ` (${h.message})` : ''}`;
    case 'stopped':
      return `Paused${h.message ? `: ${h.message}` : ''}`;
    case 'error':
      return `Sampler error: ${h.message}`;
  }
}

/** What a kill request for these processes says while it is asked (none: the row has vanished). */
export function killAskNote(targets: readonly { pid: number }[]): string {
  if (targets.length === 0) return 'Nothing to kill in that row (it has vanished).';
  return `Asking to kill ${targets.length === 1 ? `pid ${targets[0].pid}` : `${targets.length} processes`}\u2026`;
}

/** What became of a kill request, for the status line (the host's notification words). */
export function killNote(results: readonly KillResult[]): string {
  return results.length ? `Kill: ${killSummary(results).text}` : '';
}

/** The status line: the sampler's state and the latest note. */
export function statusLine(helper: HelperState, s: PanelSettings, note: string): string {
  return [helperText(helper, s), note].filter(Boolean).join(' \u00b7 ');
}

/** Write the leader, the banner and the status line (only what changed). */
export function renderWords(s: Shell, w: { report: Report | null; view: { pidsShown: number } | null; search: string; settings: PanelSettings; helper: HelperState; leakCount: number; note: string }): void {
  const leader = w.report?.leader ?? null;
  const lines = leaderView(w.report, w.view, w.search, w.settings.showCpu, w.leakCount);
  syncPieces(s.leader, lines.map((parts): Piece[] => parts.map((p) => ({ text: p.text, title: leaderTooltip(p, leader) }))));
  const inaccessible = leader?.inaccessible ?? 0;
  s.banner.hidden = inaccessible === 0;
  if (leader && inaccessible > 0) {
    setText(s.bannerText, bannerText(inaccessible, w.helper));
    setAttr(s.bannerText, 'title', inaccessibleNames(leader));
    s.runAsRoot.hidden = !w.helper.canElevate && w.helper.status !== 'elevating';
    if (w.helper.status === 'elevating') s.runAsRoot.setAttribute('disabled', '');
    else s.runAsRoot.removeAttribute('disabled');
  }
  setText(s.status, statusLine(w.helper, w.settings, w.note));
}
