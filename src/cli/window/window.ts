// The terminal window: the thin shell around model.ts and render.ts. It owns the terminal
// (alternate screen, raw keys, resize), the sampling timer and the kills, and always gives
// the terminal back: on q, Ctrl-C, SIGTERM, SIGHUP, an exception, and when the terminal goes.
import { writeSync } from 'node:fs';
import { killNotice, killSummary } from '../../shared/kill';
import type { Report } from '../../core/types';
import { Monitor } from '../../engine/monitor';
import { engineOptionsOfSettings, pickEngineOptions } from '../../shared/engineOptions';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../../shared/options';
import type { CliOptions } from '../cliargs';
import { killProcesses } from '../../sampler/kill';
import { OomWatch, oomKillText } from '../../core/cgroupMemory';
import { ENTER, frame, LEAVE, wantsColour } from './ansi';
import { decodeKeys, keyAction } from './keys';
import { initialState, layout, selectedIndex, settle, showPage, update, type Effect, type TuiState } from './model';
import { readProcessMaps } from '../../sampler/maps';
import { mapsLines } from '../../core/maps';
import { render } from './render';
import type { RecordedSource, WindowSource } from './source';

/** The window's settings from the command line (the same options the report takes). */
export function settingsFromCli(o: CliOptions): PanelSettings {
  return {
    ...DEFAULT_PANEL_SETTINGS,
    groupBy: o.groupBy,
    units: o.units,
    detail: o.detail,
    sortBy: o.sortBy,
    riseToTop: o.riseToTop,
    showCpu: o.showCpu,
    showOom: o.showOom,
    lineNumbers: o.lineNumbers,
    showUss: o.showUss,
    showEpss: o.showEpss,
    showThp: o.showThp,
    showKsm: o.showKsm,
    topPct: o.topPct,
    minDeltaKb: o.minDeltaKb,
    cpuAvgSecs: o.cpuAvgSecs as PanelSettings['cpuAvgSecs'],
    loopSeconds: o.loopSeconds > 0 ? o.loopSeconds : DEFAULT_PANEL_SETTINGS.loopSeconds,
  };
}

/**
 * The window's engine: the command line's options (walk budget, max age, filter, cmdlen …) with
 * the window's settings over them; the search is the view's, not the leader's note.
 */
export function windowMonitor(o: CliOptions, settings: PanelSettings, roots: readonly string[]): Monitor {
  // The window shows no trend nor leak verdicts (yet): it keeps no history, as the report loop without --leaks.
  return new Monitor({ ...pickEngineOptions(o), ...engineOptionsOfSettings(settings), search: '' }, { roots, history: false });
}

/** Whether `pmemstat` with these options opens the window: both ends a terminal, and no report asked for. */
export function wantsWindow(o: CliOptions, stdinTTY: boolean, stdoutTTY: boolean): boolean {
  return stdinTTY && stdoutTTY && o.window && !o.json && !o.leaks;
}

/** Run the window until it is quit; resolves to the exit status. `recording`: show it instead of the live system. */
export function runWindow(o: CliOptions, roots: readonly string[], recording?: RecordedSource): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const colour = wantsColour(process.env);
  const noKill = recording
    ? 'a replay shows a recording, not the processes running now: nothing to kill'
    : o.root === '/'
      ? ''
      : 'the processes of a captured tree (--root) are not this system\u2019s: nothing to kill';
  let state: TuiState = { ...initialState(settingsFromCli(o), o.search, noKill), replay: recording !== undefined };
  const monitor: WindowSource = recording ?? windowMonitor(o, state.settings, roots);
  // A recording's OOM kills are its events, shown with their sample; stepping back and forth must not announce them anew.
  const ooms = recording ? null : new OomWatch();
  const accessHint = process.getuid?.() === 0 || o.root !== '/' || recording ? '' : 'run as root';
  const protectedPids = [process.pid, process.ppid];
  let report: Report | null = null;
  let screen: string[] = [];
  let lastSel = 0;
  const replayEnded = () => monitor.ended;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let ticking = false;
  let again = false;

  return new Promise<number>((resolve) => {
    const size = () => ({ width: Math.max(1, stdout.columns || 80), height: Math.max(2, stdout.rows || 24) });

    const restore = () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      monitor.close();
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
      const f = frame(screen, render(l, state, { width, height, accessHint, loopSecs: replayEnded() ? null : state.settings.loopSeconds, moment: recording?.moment() }), width, colour);
      screen = f.screen;
      if (f.out) stdout.write(f.out);
    };

    const sampleNow = () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = null;
      // One tick at a time: a key asking for a sample meanwhile gets the one after it.
      if (ticking) {
        again = true;
        return;
      }
      ticking = true;
      const started = Date.now();
      monitor.tick().then(
        (r) =>
          guard(() => {
            ticking = false;
            if (closed) return;
            report = r;
            // An OOM kill is news at once: the status line says it until the next key.
            for (const n of ooms?.update(r.rows) ?? []) state = { ...state, message: oomKillText(n) };
            draw();
            if (again) {
              again = false;
              sampleNow();
              return;
            }
            // A replay of numbered samples stops at its last one (an option change re-reads that one).
            if (!replayEnded()) timer = setTimeout(() => guard(sampleNow), Math.max(0, state.settings.loopSeconds * 1000 - (Date.now() - started)));
          }),
        (err: unknown) => finish(3, err),
      );
    };

    const apply = () => {
      monitor.configure(engineOptionsOfSettings(state.settings));
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
        case 'time':
          recording?.step(e.step);
          return sampleNow();
        case 'maps': {
          const r = readProcessMaps(monitor.root, e.pid, e.starttime);
          if (!r.ok) {
            state = { ...state, message: `mappings of ${e.pid}: ${r.message}` };
            return;
          }
          state = showPage(state, `pmemstat: the mappings of process ${e.pid}, by Pss (Esc closes)`, mapsLines(e.pid, r.maps, state.settings.units));
          return;
        }
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
          const a = keyAction(k, state.mode, state.replay);
          if (!a) continue;
          const { height } = size();
          const before = state.settings;
          const u = update(state, a, layout(report, state, height), protectedPids);
          state = u.state;
          if (state.settings !== before) apply();
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
