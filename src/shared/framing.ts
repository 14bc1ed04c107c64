// Newline-delimited framing of the helper protocol (protocol.ts): a byte stream split into
// lines without ever buffering a line longer than the limit. Used by both ends.

/** One complete line, or the notice that a line was longer than the limit (and dropped). */
export type LineEvent = { line: string } | { tooLong: number };

/**
 * Splits a byte stream into newline-terminated UTF-8 lines (a trailing CR is dropped).
 * A line longer than `maxBytes` is never buffered whole: its bytes are discarded as
 * they arrive and one `tooLong` event (with the line's size) is emitted at its end.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      this.size += piece.length;
      if (!this.discarding) {
        if (this.size > this.maxBytes) {
          this.discarding = true;
          this.parts = [];
        } else if (piece.length) {
          this.parts.push(piece);
        }
      }
      if (nl < 0) break;
      out.push(this.finish());
      start = nl + 1;
    }
    return out;
  }

  /** Bytes of the unfinished line buffered so far. */
  get pending(): number {
    return this.size;
  }

  private finish(): LineEvent {
    const size = this.size;
    const parts = this.parts;
    const discarded = this.discarding;
    this.parts = [];
    this.size = 0;
    this.discarding = false;
    if (discarded) return { tooLong: size };
    let s = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8');
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return { line: s };
  }
}
