// What reading a recording needs of a SQLite connection: the part of better-sqlite3's API that
// RecordingReader calls, so that the helper can read through node-sqlite3-wasm (wasmDb.ts) where
// better-sqlite3's native build does not load (docs/recorder.md#the-store).
export interface ReadStatement {
  /** Rows as their first column's value. */
  pluck(): ReadStatement;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export interface ReadDb {
  prepare(sql: string): ReadStatement;
  close(): void;
}
