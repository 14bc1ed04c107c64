// A real recording for the recording panel's tests: the captured loop fixtures/loop-a recorded
// in process by the recorder's own writer (better-sqlite3, as `pmemstat record` writes), with an
// OOM kill recorded at its second sample. Not a test file itself.
import { join } from 'node:path';
import { cgroupReader } from '../../src/proc/cgroupfs';
import { openDb, RECORDING_FILE } from '../../src/recorder/db';
import { EventWatcher } from '../../src/recorder/events';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../../src/recorder/recorder';
import type { RecordTick, TickSource } from '../../src/recorder/source';
import { RecordingWriter } from '../../src/recorder/writer';
import { Sampler } from '../../src/sampler/sampler';

const LOOP = join(__dirname, '../../fixtures/loop-a');
export const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);

/** Record loop-a's three samples, 5 s apart from T0, into DIR/pmemstat.db; returns the file and the times. */
export async function makeRecording(dir: string): Promise<{ file: string; times: number[] }> {
  const roots = ['0', '1', '2'].map((d) => join(LOOP, d));
  const sampler = new Sampler({ root: roots[0], cgroups: true, kernelCpu: true });
  let i = 0;
  const source: TickSource = {
    done: false,
    async tick(): Promise<RecordTick> {
      sampler.setOptions({ root: roots[i] });
      const sample = await sampler.sampleAsync(T0 + i++ * 5000);
      return { sample, newSuspects: [] };
    },
    close: () => sampler.close(),
  };
  const file = join(dir, RECORDING_FILE);
  const db = await openDb(file, true);
  const writer = new RecordingWriter(db);
  writer.beginSession(T0);
  const rec = new Recorder(source, writer, new EventWatcher(roots[0]), cgroupReader(() => roots[0]), DEFAULT_RECORDER_OPTIONS);
  for (let k = 0; k < roots.length; k++) await rec.step();
  source.close();
  db.prepare('INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (?, ?, ?, ?, ?, ?)').run(T0 + 5000, 'oom-kill', 4242, 'hog\u001b[2J', '/test.slice', '{}');
  const times = db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
  db.close();
  return { file, times };
}
