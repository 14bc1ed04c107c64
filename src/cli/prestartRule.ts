// Whether a command line will read every process of the live system in this process (a
// report, a loop's first tick, the window's), so that worker threads started before the
// bundle is loaded (src/sampler/prestart.ts) will be used. Decided before the arguments are
// parsed, from their shape alone: a wrong guess costs a worker that is started and not used
// (or one started late), never a different result. Pure: test/unit/prestart.test.ts.

/** Short options whose value follows (in the same word or the next): the rest of the word is not options. */
const SHORT_WITH_VALUE = new Set(['g', 'k', 'l', 'L', 't', 'u', 's', '/']);
/** Long options that read no processes, or not those of the live system. */
const NOT_SAMPLING = new Set(['help', 'maps', 'cgroup', 'root']);
/** First words of the modes that are not a report: the exporter, the recorder, the helper. */
const OTHER_MODES = new Set(['metrics', 'record', 'replay', '--serve', '--connect']);

export function wantsPrestart(argv: readonly string[], uid: number | undefined): boolean {
  if (argv.length > 0 && OTHER_MODES.has(argv[0])) return false;
  let asUser = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (NOT_SAMPLING.has(name)) return false;
      if (name === 'run-as-user') asUser = true;
      continue;
    }
    if (!a.startsWith('-') || a.length < 2 || /^-\d/.test(a)) continue;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c === 'h') return false;
      if (c === 'U') asUser = true;
      if (SHORT_WITH_VALUE.has(c)) {
        if (j === a.length - 1) i++; // its value is the next word
        break;
      }
    }
  }
  // Not root and not -U: this process re-runs itself under sudo and reads nothing.
  return uid === 0 || asUser;
}
