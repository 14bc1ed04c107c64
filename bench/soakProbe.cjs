// Preloaded into a process the hour soak watches (`node -r bench/soakProbe.cjs …`): at start
// and on each SIGUSR2 it appends one JSON line to $PMEMSTAT_SOAK_PROBE with what only the process itself can tell:
// its active timers and handles by kind (process.getActiveResourcesInfo()), its heap, its open
// fds, and how many writes its stdout has taken (the terminal window writes a frame a tick).
// Benchmark code, not the product's: nothing of it is in a bundle.
'use strict';
const fs = require('node:fs');

const out = process.env.PMEMSTAT_SOAK_PROBE;
if (out) {
  let writes = 0;
  const write = process.stdout.write;
  process.stdout.write = function (...args) {
    writes++;
    return write.apply(this, args);
  };
  const report = () => {
    const kinds = {};
    for (const k of process.getActiveResourcesInfo()) kinds[k] = (kinds[k] || 0) + 1;
    const m = process.memoryUsage();
    let fds = -1;
    try {
      fds = fs.readdirSync('/proc/self/fd').length;
    } catch {
      /* no /proc: left out */
    }
    // Started with --expose-gc: the heap also after a full collection, what is live of it.
    let live = -1;
    if (typeof global.gc === 'function') {
      global.gc();
      live = process.memoryUsage().heapUsed;
    }
    const line = { t: Date.now(), writes, rss: m.rss, heapUsed: m.heapUsed, liveHeap: live, external: m.external, fds, resources: kinds };
    fs.appendFileSync(out, `${JSON.stringify(line)}\n`);
  };
  process.on('SIGUSR2', report);
  // A first line once the handler is in place: a SIGUSR2 before it would end the process.
  report();
}
