// The recording read through node-sqlite3-wasm: the helper runs under VS Code's runtime, where
// better-sqlite3's native build does not load (docs/recorder.md#the-store). This is the one file
// that loads it. Read-only, never created: its file layer opens the file O_RDONLY without
// O_CREAT when asked read-only. It has no shared memory, so it reads the recorder's write-ahead
// log in exclusive locking mode, which keeps the log's index in its own memory; its only lock
// is a DIR/pmemstat.db.lock directory of its own (taken while it reads, removed on close), which
// the recorder's SQLite does not know of, so the recorder is never blocked.
import type { Database } from 'node-sqlite3-wasm';
import type { ReadDb, ReadStatement } from './readDb';
import { StoreError } from './db';

type Value = number | bigint | string | Uint8Array | null | boolean;

/** SQLite integers beyond 2^53 come back as BigInt: a recording holds none, and a damaged one reads them as numbers. */
function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function row(r: Record<string, unknown> | null): Record<string, unknown> | undefined {
  if (r === null) return undefined;
  // (Copied only when it holds a BigInt: a long read makes hundreds of thousands of rows.)
  for (const k in r) {
    if (typeof r[k] !== 'bigint') continue;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(r)) out[key] = plain(v);
    return out;
  }
  return r;
}

function bindable(params: readonly unknown[]): Value[] {
  return params.map((p) => {
    if (p === null || typeof p === 'number' || typeof p === 'string' || typeof p === 'boolean' || typeof p === 'bigint') return p;
    throw new StoreError(`cannot bind ${typeof p} to a query`);
  });
}

class WasmStatement implements ReadStatement {
  constructor(
    private readonly db: Database,
    private readonly sql: string,
    private readonly plucked = false,
  ) {}

  pluck(): ReadStatement {
    return new WasmStatement(this.db, this.sql, true);
  }

  private shape(r: Record<string, unknown> | undefined): unknown {
    if (r === undefined || !this.plucked) return r;
    return Object.values(r)[0];
  }

  get(...params: unknown[]): unknown {
    return this.shape(row(this.db.get(this.sql, bindable(params)) as Record<string, unknown> | null));
  }

  all(...params: unknown[]): unknown[] {
    return (this.db.all(this.sql, bindable(params)) as Record<string, unknown>[]).map((r) => this.shape(row(r)));
  }

  /** The rows one at a time, never all in memory at once (a group's series reads a day's figures). */
  *iterate(...params: unknown[]): IterableIterator<unknown> {
    const st = this.db.prepare(this.sql);
    try {
      for (const r of st.iterate(bindable(params))) yield this.shape(row(r as Record<string, unknown>));
    } finally {
      st.finalize();
    }
  }
}

type WasmModule = typeof import('node-sqlite3-wasm');
let loading: Promise<WasmModule> | null = null;

/**
 * The module, loaded at the first recording read: loading compiles its 1.2 MB of WebAssembly
 * (from dist/node-sqlite3-wasm.wasm), which no other command or request should pay for.
 */
async function wasm(): Promise<WasmModule> {
  try {
    return await (loading ??= import('node-sqlite3-wasm'));
  } catch (e) {
    loading = null;
    throw new StoreError(`cannot load the WebAssembly SQLite that reads recordings (node-sqlite3-wasm.wasm beside the helper): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

/** Open a recording read-only with the WebAssembly SQLite: a StoreError says why not. */
export async function openWasmDb(file: string): Promise<ReadDb> {
  const { Database } = await wasm();
  let db: Database;
  try {
    db = new Database(file, { readOnly: true });
  } catch (e) {
    throw new StoreError(`cannot open the recording ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    const hasMeta = db.get("SELECT 1 AS x FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") !== null;
    const v = hasMeta ? db.get("SELECT value FROM meta WHERE key = 'schema'") : null;
    if (v === null) throw new StoreError(`${file} is not a pmemstat recording`);
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    const busy = /busy|locked/i.test(e instanceof Error ? e.message : String(e));
    throw new StoreError(
      busy
        ? `${file} is being read by another reader, or ${file}.lock was left by a reader that was killed (remove that directory if no pmemstat reads it)`
        : `${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return {
    prepare: (sql) => new WasmStatement(db, sql),
    close: () => db.close(),
  };
}
