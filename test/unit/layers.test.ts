// The layering of the source tree, checked on the files themselves: core → shared/proc →
// sampler / host / webview / tui. The host never reaches into the helper's code (what both read
// /proc with lives in src/proc/), the webview never imports host or helper code, and the
// terminal window (src/cli/window/) shares the panel's pure parts through src/shared/, not webview/.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every relative module a file imports or re-exports (static and dynamic), as repo paths. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs: string[] = [];
  const re = /(?:\bimport\s[^'"]*?\bfrom\s*|\bexport\s[^'"]*?\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) specs.push(m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(file), s)));
}

/** Every module a file imports that is not a relative path: `node:…`, a package, `vscode`. */
export function modulesOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bimport\s[^'"]*?\bfrom\s*|\bexport\s[^'"]*?\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) if (!m[1].startsWith('.')) out.push(m[1]);
  return out;
}

/** The helper's files in src/sampler/ (they use the engine); the rest of the folder is the reading the engine uses. */
const HELPER_FILES = ['src/sampler/serve.ts', 'src/sampler/connectBack.ts'];
/** What the engine may use of src/sampler/: the reading, not the helper. */
const READING_FILES = ['src/sampler/sampler', 'src/sampler/parallel', 'src/sampler/samplerOptions', 'src/sampler/procread'];

/** The imports of `files` that point outside `may` (folders or files, as repo paths). */
function outside(files: readonly string[], may: readonly string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    for (const target of importsOf(f)) {
      if (!may.some((dir) => target === dir || target.startsWith(dir + '/'))) bad.push(`${relative(ROOT, f)} imports ${target}`);
    }
  }
  return bad;
}

describe('layers', () => {
  it('the import scanner sees static, type-only, re-export and dynamic imports', () => {
    const f = join(ROOT, 'src/host/x.ts');
    const text = [
      "import { a } from '../sampler/a';",
      "import type { B } from '../sampler/b';",
      "export { c } from '../sampler/c';",
      "const d = await import('../sampler/d');",
      "import '../sampler/e';",
      "import * as vscode from 'vscode';",
    ].join('\n');
    expect(importsOf(f, text)).toEqual(['src/sampler/a', 'src/sampler/b', 'src/sampler/c', 'src/sampler/d', 'src/sampler/e']);
  });

  it('the scanner sees node: and bare module imports', () => {
    const text = ["import { posix } from 'node:path';", "import * as fs from 'fs';", "import { x } from './y';", "import * as vscode from 'vscode';"].join('\n');
    expect(modulesOf(text)).toEqual(['node:path', 'fs', 'vscode']);
  });

  // Each layer, the folders it may import from (docs/architecture.md, "Layers and what may import what").
  const RULES: { layer: string; files: () => string[]; may: readonly string[] }[] = [
    { layer: 'src/core', files: () => tsFiles(join(ROOT, 'src/core')), may: ['src/core'] },
    { layer: 'src/shared', files: () => tsFiles(join(ROOT, 'src/shared')), may: ['src/core', 'src/shared'] },
    { layer: 'src/proc', files: () => tsFiles(join(ROOT, 'src/proc')), may: ['src/core', 'src/proc'] },
    { layer: 'src/sampler (reading)', files: () => tsFiles(join(ROOT, 'src/sampler')).filter((f) => !HELPER_FILES.includes(relative(ROOT, f))), may: ['src/core', 'src/shared', 'src/proc', 'src/sampler', 'package.json'] },
    // The helper's `recording` and `recordingSeries` requests read through the recorder's readers (src/recorder/recordingRead.ts, seriesRead.ts, wasmDb.ts).
    {
      layer: 'src/sampler (the helper)',
      files: () => HELPER_FILES.map((f) => join(ROOT, f)),
      may: ['src/core', 'src/shared', 'src/proc', 'src/sampler', 'src/engine', 'src/recorder/recordingRead', 'src/recorder/seriesRead', 'src/recorder/wasmDb', 'package.json'],
    },
    { layer: 'src/engine', files: () => tsFiles(join(ROOT, 'src/engine')), may: ['src/core', 'src/shared', 'src/proc', ...READING_FILES] },
    { layer: 'src/cli', files: () => tsFiles(join(ROOT, 'src/cli')), may: ['src/core', 'src/shared', 'src/proc', 'src/engine', 'src/sampler', 'src/cli', 'src/exporter', 'src/recorder/commands'] },
    { layer: 'src/exporter', files: () => tsFiles(join(ROOT, 'src/exporter')), may: ['src/core', 'src/shared', 'src/proc', 'src/engine', 'src/cli/cliargs', 'src/exporter', 'package.json'] },
    { layer: 'src/recorder', files: () => tsFiles(join(ROOT, 'src/recorder')), may: ['src/core', 'src/shared', 'src/proc', 'src/engine', 'src/sampler', 'src/cli', 'src/recorder'] },
    { layer: 'src/host', files: () => [...tsFiles(join(ROOT, 'src/host')), join(ROOT, 'src/extension.ts')], may: ['src/core', 'src/shared', 'src/proc', 'src/host', 'package.json'] },
    { layer: 'webview', files: () => tsFiles(join(ROOT, 'webview')), may: ['src/core', 'src/shared', 'webview'] },
  ];

  for (const r of RULES) {
    it(`${r.layer} imports only from ${r.may.join(', ')}`, () => {
      const files = r.files();
      expect(files.length).toBeGreaterThan(0);
      expect(outside(files, r.may)).toEqual([]);
    });
  }

  it('every source file is in a layer', () => {
    const all = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'webview'))].map((f) => relative(ROOT, f)).sort();
    const covered = new Set(RULES.flatMap((r) => r.files().map((f) => relative(ROOT, f))));
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('the browser-safe layers (core, shared, webview) import no Node module (node:x or a bare built-in)', () => {
    const files = [...tsFiles(join(ROOT, 'src/core')), ...tsFiles(join(ROOT, 'src/shared')), ...tsFiles(join(ROOT, 'webview'))];
    const isNode = (m: string) => m.startsWith('node:') || builtinModules.includes(m.split('/')[0]);
    const bad = files.flatMap((f) => modulesOf(readFileSync(f, 'utf8')).filter(isNode).map((m) => `${relative(ROOT, f)} imports ${m}`));
    expect(bad).toEqual([]);
  });

  it('only src/recorder/db.ts names SQLite (loaded when a recording is opened: the bundle is also the helper)', () => {
    const files = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'webview'))];
    const bad = files.filter((f) => modulesOf(readFileSync(f, 'utf8')).includes('better-sqlite3')).map((f) => relative(ROOT, f));
    expect(bad).toEqual(['src/recorder/db.ts']);
  });

  it('only src/recorder/wasmDb.ts names the WebAssembly SQLite (the helper\u2019s reader of recordings, loaded at its first read)', () => {
    const files = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'webview'))];
    const bad = files.filter((f) => modulesOf(readFileSync(f, 'utf8')).includes('node-sqlite3-wasm')).map((f) => relative(ROOT, f));
    expect(bad).toEqual(['src/recorder/wasmDb.ts']);
  });

  it('only the host imports vscode', () => {
    const files = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'webview'))].filter((f) => !relative(ROOT, f).startsWith('src/host/') && relative(ROOT, f) !== 'src/extension.ts');
    const bad = files.filter((f) => modulesOf(readFileSync(f, 'utf8')).includes('vscode')).map((f) => relative(ROOT, f));
    expect(bad).toEqual([]);
  });
});
