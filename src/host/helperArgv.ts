// The helper's command line, however it is started (directly, sudo -n, sudo -S, the system
// dialog). Split from launcher.ts so that sudoPrompt.ts builds its line from the same words.

/**
 * How the helper's node runs, however it is started (flags, not an environment variable: they
 * pass sudo's env reset, and a sudoers rule that allows node still matches). The helper
 * holds a figure of every process, and at 10,000 processes V8's young generation, sized for
 * throughput (semi-spaces grown to 16 MB each), was a quarter of its RSS; the helper's
 * garbage is one sample's, freed each tick. With small semi-spaces that garbage is promoted,
 * and V8 let the old generation grow with it (600 samples of 2,000 groups: 88 → 416 MB in the
 * issue's run). Sizing it to the live heap instead — heap growing 1.2× the live size, V8's
 * memory-saving heuristics — holds the same run flat (112 MB, peak 122 MB, against 147/177 MB
 * side by side), at no measured cost per sample, and without a fixed heap limit that 10,000
 * processes could hit. `npm run bench` (parts `panel`, `soak`) measures it.
 */
export const HELPER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--optimize-for-size', '--heap-growing-percent=20'];

/**
 * The helper's command line after sudo (the `env` prefix carries ELECTRON_RUN_AS_NODE through
 * sudo's env reset). `env` takes every word with a `=` before the command for an assignment,
 * so a runtime whose path holds one (an Electron installed under `/opt/a=b/`) is started
 * through `sh -c 'exec "$0" "$@"'`: the shell parses only that fixed text, the path is an
 * argument it never reads as code.
 */
export function elevatedArgv(r: { nodePath: string; script: string; isElectron: boolean }, mode: string[], envVars: string[] = []): string[] {
  const vars = [...envVars, ...(r.isElectron ? ['ELECTRON_RUN_AS_NODE=1'] : [])];
  if (!vars.length) return [r.nodePath, ...HELPER_NODE_FLAGS, r.script, ...mode];
  const run = r.nodePath.includes('=') ? ['/bin/sh', '-c', 'exec "$0" "$@"', r.nodePath] : [r.nodePath];
  return ['/usr/bin/env', ...vars, ...run, ...HELPER_NODE_FLAGS, r.script, ...mode];
}
