// A test entry (bundled by window.test.ts): the terminal window as `pmemstat` runs it, plus a
// failure thrown outside any of the window's own handlers once it has drawn, so the test can
// see that an exception gives the terminal back.
import { replayRoots } from '../../src/cli/cli';
import { parseCliArgs } from '../../src/cli/cliargs';
import { runWindow } from '../../src/cli/window/window';

const o = parseCliArgs(process.argv.slice(2));
runWindow(o, replayRoots(o.root)).then((code) => process.exit(code));
setTimeout(() => {
  throw new Error('a failure in the window');
}, Number(process.env.CRASH_AFTER_MS ?? 1500));
