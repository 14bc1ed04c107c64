// Long-lived processes a vitest file starts (servers, recorders) die with it however the run
// ends: afterAll does not run when vitest is SIGKILLed (a time limit, a closed session), and
// process 'exit' handlers do not run then either. Each file's children carry a marker of the
// file in their environment, and a watchdog (scripts/reaper.mjs), tied to the test process by
// a pipe, stops whatever carries it once that process is gone. A SIGKILLed vitest leaves its
// worker (this process) running, re-parented: the worker then ends, and so the watchdog acts.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { onStarterGone, startReaper, type Reaper } from '../../scripts/reaper.mjs';

/** The variable that carries the marker (not set in the test process itself: the watchdog would stop it). */
export const OWNER_VAR = 'PMEMSTAT_TEST_OWNER';
/** This test file's marker. */
export const OWNER = `pmemstat-test-${randomBytes(6).toString('hex')}`;

let watchdog: Reaper | null = null;

/** The watchdog of this test file's children, started on first use. */
export function reaper(): Reaper {
  if (watchdog) return watchdog;
  const w = startReaper(`pmemstat-test ${basename(process.argv[1] ?? 'vitest')}`, { marks: [OWNER] });
  // vitest makes process.exit throw in a test file: an orphaned worker ends itself by signal.
  onStarterGone(() => void w.close().finally(() => process.kill(process.pid, 'SIGKILL')));
  return (watchdog = w);
}

/** `env` (this process's by default) with the marker, for a child that must not outlive the run. */
export function reapedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  reaper();
  return { ...env, [OWNER_VAR]: OWNER };
}
