// The kill flow's dialogs: plan (src/shared/killPlan.ts), the modal confirmation, the request to the
// helper, and the notification of what became of it (with "Run as Root…" when only
// privilege was missing). The webview hears the results as `killDone`.
import * as vscode from 'vscode';
import type { Report } from '../core/types';
import { killNotice, killSummary, type KillResult, type KillTarget } from '../shared/kill';
import { confirmText, planKill } from '../shared/killPlan';
import type { HostMessage } from '../shared/webviewProtocol';
import type { HelperSession } from './helperSession';
import { errorText, type Log } from './log';

export interface KillContext {
  session: HelperSession;
  /** The report the targets were chosen from (the host names processes from its own data). */
  report: Report | null;
  log: Log;
  post(m: HostMessage): void;
  /** Sample again (the killed processes vanish from the panel). */
  resample(): void;
  runAsRoot(): void;
}

/** Ask, kill, and tell; the results the webview is sent (none when cancelled or failed). */
export async function killWithDialogs(targets: readonly KillTarget[], ctx: KillContext): Promise<KillResult[]> {
  const client = ctx.session.client;
  if (!client) {
    void vscode.window.showWarningMessage('pmemstat: the sampler is not running; nothing was killed.');
    return [];
  }
  const plan = planKill(targets, ctx.report, [process.pid, process.ppid, ctx.session.helperPid]);
  if (plan.valid.length === 0) {
    void vscode.window.showWarningMessage(killNotice(killSummary(plan.refused).text));
    ctx.post({ type: 'killDone', results: plan.refused });
    return plan.refused;
  }
  const { message, detail } = confirmText(plan);
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Kill');
  if (choice !== 'Kill') {
    ctx.log.info('kill cancelled');
    ctx.post({ type: 'killDone', results: [] });
    return [];
  }
  ctx.log.info(`kill: ${plan.valid.map((c) => `${c.pid}@${c.starttime}`).join(' ')}`);
  let results: KillResult[];
  try {
    results = await client.kill(
      plan.valid.map((c) => ({ pid: c.pid, starttime: c.starttime })),
      { escalate: true },
    );
  } catch (e) {
    ctx.log.error(`kill failed: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`pmemstat: the kill request failed (${errorText(e)}).`);
    return [];
  }
  results = [...results, ...plan.refused];
  const summary = killSummary(results);
  const text = killNotice(summary.text);
  ctx.log.info(text);
  if (summary.ok) void vscode.window.showInformationMessage(text);
  else if (summary.needsRoot && ctx.session.mode === 'user')
    void vscode.window.showWarningMessage(text, 'Run as Root\u2026').then((c) => {
      if (c) ctx.runAsRoot();
    });
  else void vscode.window.showWarningMessage(text);
  ctx.post({ type: 'killDone', results });
  ctx.resample();
  return results;
}
