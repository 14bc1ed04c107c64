// The layering of the source tree, checked on the files themselves: core → shared/proc →
// sampler / host / webview / tui. The host never reaches into the helper's code (what both read
// /proc with lives in src/proc/), the webview never imports host or helper code, and the
// terminal window (src/tui/) shares the panel's pure parts through src/shared/, not webview/.
import { readdirSync, readFileSync } from 'node:fs';
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

function offenders(files: readonly string[], forbidden: readonly string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    for (const target of importsOf(f)) {
      if (forbidden.some((dir) => target === dir || target.startsWith(dir + '/'))) bad.push(`${relative(ROOT, f)} imports ${target}`);
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

  it('the host and the extension entry import nothing from src/sampler/', () => {
    const files = [...tsFiles(join(ROOT, 'src/host')), join(ROOT, 'src/extension.ts')];
    expect(files.length).toBeGreaterThan(5);
    expect(offenders(files, ['src/sampler', 'src/recorder'])).toEqual([]);
  });

  it('the recorder imports nothing from the host or the webview, and only db.ts names SQLite', () => {
    const files = tsFiles(join(ROOT, 'src/recorder'));
    expect(files.length).toBeGreaterThan(5);
    expect(offenders(files, ['src/host', 'src/extension', 'webview'])).toEqual([]);
    const sqlite = files.filter((f) => /from 'better-sqlite3'|import\('better-sqlite3'\)/.test(readFileSync(f, 'utf8')));
    expect(sqlite.map((f) => f.slice(ROOT.length + 1))).toEqual(['src/recorder/db.ts']);
  });

  it('the helper imports nothing from the host (each runs in its own process)', () => {
    expect(offenders(tsFiles(join(ROOT, 'src/sampler')), ['src/host', 'src/extension', 'webview'])).toEqual([]);
  });

  it('the terminal window imports nothing from webview/ or src/host/ (what it shares is in src/shared/)', () => {
    const files = tsFiles(join(ROOT, 'src/tui'));
    expect(files.length).toBeGreaterThan(3);
    expect(offenders(files, ['src/host', 'src/extension', 'webview'])).toEqual([]);
  });

  it('the webview imports nothing from src/host/, src/sampler/ or src/tui/ (nor src/proc/: it has no /proc)', () => {
    const files = tsFiles(join(ROOT, 'webview'));
    expect(files.length).toBeGreaterThan(5);
    expect(offenders(files, ['src/host', 'src/sampler', 'src/proc', 'src/tui'])).toEqual([]);
  });

  it('the pure and shared layers import nothing above them', () => {
    const files = [...tsFiles(join(ROOT, 'src/core')), ...tsFiles(join(ROOT, 'src/shared')), ...tsFiles(join(ROOT, 'src/proc'))];
    expect(offenders(files, ['src/host', 'src/sampler', 'src/tui', 'src/recorder', 'webview', 'src/extension'])).toEqual([]);
  });
});
