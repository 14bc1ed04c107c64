// One recorder per directory: DIR/recorder.pid names the recorder by pid and start time, so a
// file left by a killed recorder (or a reused pid) does not keep the next one out.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parsePidStat } from '../core/procfiles';

export const LOCK_FILE = 'recorder.pid';

function startOf(pid: number): number | null {
  try {
    return parsePidStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.starttime ?? null;
  } catch {
    return null;
  }
}

export class RecorderLock {
  private constructor(private readonly file: string) {}

  /** Take the directory, or say who holds it. */
  static take(dir: string): RecorderLock | { heldBy: number } {
    const file = join(dir, LOCK_FILE);
    const me = startOf(process.pid);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, `${process.pid} ${me ?? 0}\n`);
        closeSync(fd);
        return new RecorderLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // removed meanwhile: try again
      }
      const m = /^(\d+) (\d+)$/m.exec(text);
      if (m && Number(m[1]) !== process.pid && startOf(Number(m[1])) === Number(m[2])) return { heldBy: Number(m[1]) };
      try {
        unlinkSync(file); // its recorder is gone
      } catch {
        /* another recorder took it first: the next open says so */
      }
    }
    return { heldBy: 0 };
  }

  release(): void {
    try {
      unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}
