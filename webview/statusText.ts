// The panel's words around the table: the leader lines, the permission banner and the
// status line (the sampler's state, the outcome of a kill): the text (pure), and its writing.
import { leaderLines } from '../src/core/format';
import type { Report } from '../src/core/types';
import { killSummary, type KillResult } from '../src/shared/kill';
import type { HelperState, PanelSettings } from '../src/shared/webviewProtocol';
import { leakCountText, processes } from './columns';
import { setText, syncLines } from './dom';
import type { Shell } from './shell';

/** The leader lines for a report as the view shows it (null: no sample yet). */
export function leaderText(report: Report | null, view: { pidsShown: number } | null, search: string, showCpu: boolean, leakCount: number): string[] {
  if (!report || !view) return ['Waiting for the first sample\u2026'];
  const lines = leaderLines({ ...report.leader, pidsShown: view.pidsShown, search }, showCpu);
  lines[0] += leakCountText(leakCount);
  return lines;
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
  syncLines(s.leader, leaderText(w.report, w.view, w.search, w.settings.showCpu, w.leakCount));
  const inaccessible = w.report?.leader.inaccessible ?? 0;
  s.banner.hidden = inaccessible === 0;
  if (inaccessible > 0) {
    setText(s.bannerText, bannerText(inaccessible, w.helper));
    s.runAsRoot.hidden = !w.helper.canElevate && w.helper.status !== 'elevating';
    if (w.helper.status === 'elevating') s.runAsRoot.setAttribute('disabled', '');
    else s.runAsRoot.removeAttribute('disabled');
  }
  setText(s.status, statusLine(w.helper, w.settings, w.note));
}
