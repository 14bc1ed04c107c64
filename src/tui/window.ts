// The terminal window: the thin shell around model.ts and render.ts. It owns the terminal
// (alternate screen, raw keys, resize), the sampling timer and the kills, and always gives
// the terminal back: on q, Ctrl-C, SIGTERM, SIGHUP, an exception, and when the terminal goes.
import { writeSync } from 'node:fs';
import { killNotice, killSummary } from '../shared/kill';
import { Reporter } from '../core/report';
import { OomWatch, oomKillText } from '../core/cgroupMemory';
import { isCgroupGrouping, type Report } from '../core/types';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../shared/options';
import type { CliOptions } from '../sampler/cliargs';
import { killProcesses } from '../sampler/kill';
import { Sampler } from '../sampler/sampler';
import { cgroupReader } from '../proc/cgroupfs';
import { ENTER, frame, LEAVE, wantsColour } from './ansi';
import { decodeKeys, keyAction } from './keys';
import { initialState, layout, selectedIndex, settle, update, type Effect, type TuiState } from './model';
import { render } from './render';

/** The window's settings from the command line (the same options the report takes). */
export function settingsFromCli(o: CliOptions): PanelSettings {
  return {
    ...DEFAULT_PANEL_SETTINGS,
    groupBy: o.groupBy,
    units: o.units,
    detail: o.detail,
    sortBy: o.sortBy,
    riseToTop: o.rise,
    showCpu: o.cpu,
    showOom: o.oom,
    lineNumbers: o.numbers,
    showUss: o.uss,
    showEpss: o.epss,
    topPct: o.topPct,
    minDeltaKb: o.minDeltaKb,
    loopSeconds: o.loopSecs > 0 ? o.loopSecs : DEFAULT_PANEL_SETTINGS.loopSeconds,
  };
}

/** Whether `pmemstat` with these options opens the window: both ends a terminal, and no report asked for. */
export function wantsWindow(o: CliOptions, stdinTTY: boolean, stdoutTTY: boolean): boolean {
  return stdinTTY && stdoutTTY && o.window && !o.json && !o.leaks;
}

/** Run the window until it is quit; resolves to the exit status. */
export function runWindow(o: CliOptions, roots: readonly string[]): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const colour = wantsColour(process.env);
  const noKill = o.root === '/' ? '' : 'the processes of a captured tree (--root) are not this system\u2019s: nothing to kill';
  let state: TuiState = initialState(settingsFromCli(o), o.search, noKill);
  const sampler = new Sampler({ root: roots[0], detail: state.settings.detail, kernelCpu: true, cpuAvgSecs: state.settings.cpuAvgSecs, filter: o.filter, oom: state.settings.showOom, cgroups: isCgroupGrouping(o.groupBy) });
  const ooms = new OomWatch();
  const reporter = new Reporter(
    { groupBy: o.groupBy, sortBy: o.sortBy, minDeltaKb: o.minDeltaKb, rise: o.rise, cmdlen: o.cmdlen, search: '' },
    cgroupReader(() => sampler.opts.root),
  );
  const accessHint = process.getuid?.() === 0 || o.root !== '/' ? '' : 'run as root';
  const protectedPids = [process.pid, process.ppid];
  let report: Report | null = null;
  let screen: string[] = [];
  let lastSel = 0;
  let next = 0;
  const replayEnded = () => roots.length > 1 && next >= roots.length;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  return new Promise<number>((resolve) => {
    const size = () => ({ width: Math.max(1, stdout.columns || 80), height: Math.max(2, stdout.rows || 24) });

    const restore = () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      try {
        stdin.setRawMode(false);
      } catch {
        /* the terminal is gone */
      }
      try {
        writeSync(1, LEAVE);
      } catch {
        /* the terminal is gone: nothing to restore */
      }
    };

    const finish = (code: number, error?: unknown) => {
      if (closed) return;
      restore();
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdout.off('resize', onResize);
      for (const [sig, h] of signalHandlers) process.off(sig, h);
      process.off('exit', restore);
      process.off('uncaughtException', onCrash);
      stdin.pause();
      if (error !== undefined) process.stderr.write(`pmemstat: error: ${error instanceof Error ? error.message : String(error)}\n`);
      resolve(code);
    };

    const guard = (f: () => void) => {
      try {
        f();
      } catch (e) {
        finish(3, e);
      }
    };

    const draw = () => {
      if (closed) return;
      const { width, height } = size();
      const l = layout(report, state, height);
      state = settle(state, l, lastSel);
      lastSel = selectedIndex(l, state);
      const f = frame(screen, render(l, state, { width, height, accessHint, loopSecs: replayEnded() ? null : state.settings.loopSeconds }), width, colour);
      screen = f.screen;
      if (f.out) stdout.write(f.out);
    };

    const sampleNow = () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      const started = Date.now();
      if (next < roots.length) sampler.setOptions({ root: roots[next++] });
      report = reporter.report(sampler.sample());
      // An OOM kill is news at once: the status line says it until the next key.
      for (const n of ooms.update(report.rows)) state = { ...state, message: oomKillText(n) };
      draw();
      // A replay of numbered samples stops at its last one (an option change re-reads that one).
      if (!replayEnded()) timer = setTimeout(() => guard(sampleNow), Math.max(0, state.settings.loopSeconds * 1000 - (Date.now() - started)));
    };

    const apply = (before: PanelSettings) => {
      const s = state.settings;
      if (s.detail !== before.detail || s.cpuAvgSecs !== before.cpuAvgSecs || s.showOom !== before.showOom) {
        sampler.setOptions({ detail: s.detail, cpuAvgSecs: s.cpuAvgSecs, oom: s.showOom });
      }
      if (s.groupBy !== before.groupBy) sampler.setOptions({ cgroups: isCgroupGrouping(s.groupBy) });
      reporter.setOptions({ groupBy: s.groupBy, sortBy: s.sortBy, rise: s.riseToTop });
    };

    const carryOut = (e: Effect) => {
      if (!e) return;
      switch (e.kind) {
        case 'quit':
          return finish(0);
        case 'redraw':
          screen = [];
          stdout.write('\x1b[2J');
          return;
        case 'resample':
          return sampleNow();
        case 'kill':
          killProcesses(e.targets, { escalate: true, signal: e.signal }).then(
            (results) =>
              guard(() => {
                state = { ...state, message: killNotice(killSummary(results).text) };
                sampleNow();
              }),
            (err: unknown) => finish(3, err),
          );
      }
    };

    const onData = (d: string) =>
      guard(() => {
        for (const k of decodeKeys(d)) {
          const a = keyAction(k, state.mode);
          if (!a) continue;
          const { height } = size();
          const before = state.settings;
          const u = update(state, a, layout(report, state, height), protectedPids);
          state = u.state;
          if (state.settings !== before) apply(before);
          carryOut(u.effect);
          if (closed) return;
        }
        draw();
      });
    const onEnd = () => finish(0);
    const onResize = () =>
      guard(() => {
        screen = [];
        stdout.write('\x1b[2J');
        draw();
      });
    const onCrash = (e: unknown) => finish(3, e);
    const signalHandlers: [NodeJS.Signals, () => void][] = [
      ['SIGTERM', () => (finish(143), process.exit(143))],
      ['SIGHUP', () => (finish(129), process.exit(129))],
      ['SIGINT', () => (finish(130), process.exit(130))],
    ];

    for (const [sig, h] of signalHandlers) process.on(sig, h);
    process.on('exit', restore);
    process.on('uncaughtException', onCrash);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdout.on('resize', onResize);
    stdin.resume();
    stdout.write(ENTER);
    draw();
    guard(sampleNow);
  });
}
