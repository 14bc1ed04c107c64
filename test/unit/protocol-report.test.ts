// The one Report schema (src/shared/reportSchema.ts): the fast tests in front of the hot
// shapes accept exactly what the shapes accept, and every receiver — the helper's sample
// reply, the webview's report message, a snapshot file — refuses the same broken report
// with a message naming the field.
import { describe, expect, it } from 'vitest';
import { checkMem, checkMember, memberShape, memShape, reportProblem, rowCheck, rowShape } from '../../src/shared/reportSchema';
import { parseReply, toWireReport } from '../../src/shared/protocol';
import { parseSnapshot } from '../../src/shared/snapshot';
import { passes, type Check } from '../../src/shared/validate';
import { parseHostMessage } from '../../src/shared/webviewProtocol';
import { proc, reporter } from './webview-fixtures';

const report = reporter()([proc(100, 'a', 10_000, 'a --x'), proc(101, 'a', 5_000, 'a --y'), proc(200, 'b', 2_000, 'b')]);
const row = report.rows[0];
const member = row.members[0];

const BAD_VALUES: unknown[] = [undefined, null, NaN, Infinity, -1, 1.5, 2 ** 53, '1', '', true, [], {}, [1], { x: 1 }];

/** Every way to break one field of `v`: each bad value, the field deleted, the field only inherited. */
function* variants(v: Record<string, unknown>): Generator<unknown> {
  yield v;
  for (const k of Object.keys(v)) {
    for (const bad of BAD_VALUES) yield { ...v, [k]: bad };
    const { [k]: dropped, ...rest } = v;
    yield rest;
    yield Object.assign(Object.create({ [k]: dropped }) as object, rest);
  }
  yield Object.assign(Object.create(v) as object, {}); // every field inherited
  yield { ...v, extra: 1 };
  yield Object.assign(Object.create(null) as object, v);
  for (const bad of BAD_VALUES) yield bad;
}

function agree(fast: Check, shape: Check, v: Record<string, unknown>): void {
  let n = 0;
  for (const x of variants(v)) {
    expect([n, passes(fast, x)]).toEqual([n, passes(shape, x)]);
    n++;
  }
  expect(n).toBeGreaterThan(50);
}

describe('the fast tests accept exactly what the shapes accept', () => {
  it('mem', () => agree(checkMem, memShape, { ...member.mem }));
  it('member', () => {
    agree(checkMember, memberShape, { ...member });
    for (const m of variants({ ...member.mem })) expect(passes(checkMember, { ...member, mem: m })).toBe(passes(memberShape, { ...member, mem: m }));
  });
  it('row', () => {
    agree(rowCheck(checkMember), rowShape(checkMember), { ...row });
    for (const m of variants({ ...member })) {
      const r = { ...row, members: [row.members[1], m] };
      expect(passes(rowCheck(checkMember), r)).toBe(passes(rowShape(checkMember), r));
    }
  });
});

describe('one schema at every boundary', () => {
  const broken = { ...report, rows: [report.rows[0], { ...report.rows[1], members: [{ ...report.rows[1].members[0], cpu: 'busy' }] }] };

  it('names the field in the message', () => {
    expect(reportProblem(broken)).toBe('report.rows[1].members[0].cpu must be a finite number, not "busy"');
    expect(reportProblem(report)).toBeNull();
  });

  it('the helper reply, the webview message and the snapshot file refuse the same report', () => {
    const wire = toWireReport(report);
    const badWire = { ...wire, rows: [wire.rows[0], { ...wire.rows[1], members: [[...wire.rows[1].members[0]].map((x, i) => (i === 3 ? 'busy' : x))] }] };
    const reply = (r: unknown) => parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: r, ms: 1 }));
    expect(reply(wire).ok).toBe(true);
    expect(reply(badWire)).toEqual({ ok: false, message: 'sample.report.rows[1].members[0][3] (cpu) must be a finite number, not "busy"' });

    expect(parseHostMessage({ type: 'report', report, history: null, leaks: [] })).not.toBeNull();
    expect(parseHostMessage({ type: 'report', report: broken, history: null, leaks: [] })).toBeNull();

    expect(parseSnapshot(JSON.stringify({ tool: 'pmemstat', report })).ok).toBe(true);
    expect(parseSnapshot(JSON.stringify({ tool: 'pmemstat', report: broken }))).toEqual({
      ok: false,
      error: 'its "report" is not a pmemstat sample: report.rows[1].members[0].cpu must be a finite number, not "busy"',
    });
  });
});
