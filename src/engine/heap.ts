// The heap policy of a long-running `pmemstat` (a loop, the window): each tick's garbage (a
// sample, a Report) is promoted, and V8 lets the old generation grow with it. Sized to the
// live heap instead, as the helper is (HELPER_NODE_FLAGS in src/host/launcher.ts, which the
// helper gets on its command line): set here at run time, since `pmemstat` is started by the
// user's shell. Not for a one-shot report, whose speed counts and whose heap dies with it.
import { setFlagsFromString } from 'node:v8';

export const LOOP_HEAP_FLAGS: readonly string[] = ['--optimize-for-size', '--heap-growing-percent=20'];

export function boundLoopHeap(): void {
  for (const f of LOOP_HEAP_FLAGS) setFlagsFromString(f);
}
