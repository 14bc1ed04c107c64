// The snapshot CSV (src/host/exportSnapshot.ts; docs/snapshots.md): every figure of the Report,
// the optional uss and pss+swap columns' included.
import { describe, expect, it, vi } from 'vitest';
import { snapshotCsv } from '../../src/host/exportSnapshot';
import { proc, reporter } from './webview-fixtures';

vi.mock('vscode', () => import('./vscode-stub'));

describe('snapshot CSV', () => {
  it('the snapshot CSV has the uss and pss+swap figures of every row', () => {
    const report = reporter()([proc(10, 'postgres', 1000, 'postgres -D x', 0, { uss: 600, epss: 1200 }), proc(11, 'postgres', 500, 'postgres: wal', 0, { uss: 100, epss: 700 })]);
    const csv = snapshotCsv(report).split('\r\n');
    const col = (name: string) => csv[0].split(',').indexOf(name);
    const at = (line: string, name: string) => line.split(',')[col(name)];
    expect([at(csv[1], 'uss_kb'), at(csv[1], 'pss_swap_kb')]).toEqual(['700', '1900']); // the total
    expect([at(csv[2], 'uss_kb'), at(csv[2], 'pss_swap_kb')]).toEqual(['700', '1900']); // the group
    expect([at(csv[3], 'uss_kb'), at(csv[3], 'pss_swap_kb')]).toEqual(['600', '1200']); // its first process
  });
});
