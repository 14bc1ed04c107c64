// Bundles the entry points of docs/architecture.md (plus the benchmark) with esbuild.
import { build, context } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'es2022' };

const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/sampler.js', platform: 'node', format: 'cjs', external: ['better-sqlite3'] },
  { entryPoints: ['src/host/sudoPromptChild.ts'], outfile: 'dist/sudoprompt.js', platform: 'node', format: 'cjs' },
  // bin/pmemstat's first lines: start the workers, then load dist/sampler.js through a code cache.
  { entryPoints: ['src/cli/launch.ts'], outfile: 'dist/launch.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['src/sampler/procworker.ts'], outfile: 'dist/procworker.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['webview/recordingMain.ts'], outfile: 'dist/recording.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', platform: 'node', format: 'cjs' },
  // The one-shot benchmark's node floor, run as a command of its own (bench/oneshotFloor.ts).
  { entryPoints: ['bench/oneshotFloor.ts'], outfile: 'dist/bench-floor.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['bench/recorder.ts'], outfile: 'dist/bench-recorder.js', platform: 'node', format: 'cjs', external: ['better-sqlite3', 'node-sqlite3-wasm'] },
  { entryPoints: ['bench/recordingSeries.ts'], outfile: 'dist/bench-series.js', platform: 'node', format: 'cjs', external: ['better-sqlite3'] },
].filter((e) => existsSync(e.entryPoints[0]));

// The helper reads recordings with node-sqlite3-wasm, bundled into dist/sampler.js: its
// WebAssembly SQLite is loaded from beside the bundle (src/recorder/wasmDb.ts).
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm', 'dist/node-sqlite3-wasm.wasm');

if (watch) {
  // Rebuild each bundle whenever a file it includes changes; Ctrl-C stops.
  const contexts = await Promise.all(entries.map((e) => context({ ...common, ...e, logLevel: 'info' })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${entries.map((e) => e.entryPoints[0]).join(', ')} (Ctrl-C stops)`);
  const stop = async () => { await Promise.all(contexts.map((c) => c.dispose())); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  await Promise.all(entries.map((e) => build({ ...common, ...e })));
  console.log(`built ${entries.map((e) => e.outfile).join(', ')}`);
}
