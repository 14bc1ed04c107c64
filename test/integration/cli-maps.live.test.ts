// `pmemstat --maps PID` on the live /proc: units that show something, and a refusal that says
// why (a sandbox limiting /proc when already root, not "run as root").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { deniedText } from '../../src/sampler/maps';

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['-U', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

/** The figure rows of mapsLines: six figures, the count, the kind, the name. */
const figureRows = (out: string[]) => out.slice(2).map((l) => l.trim().split(/\s+/).slice(0, 6));

function unreadable(path: string): boolean {
  try {
    readFileSync(path);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('--maps', () => {
  it('shows KB unless -u is given, so small mappings are not all 0', async () => {
    const r = await cli(['--maps', String(process.pid)]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out[0]).toMatch(new RegExp(`^mappings of pid ${process.pid}: ptotal [\\d,]+ KB `));
    const rows = figureRows(r.out);
    expect(rows.length).toBeGreaterThan(10);
    const allZero = rows.filter((f) => f.every((x) => x === '0')).length;
    expect(allZero / rows.length).toBeLessThan(0.5);

    const mb = await cli(['--maps', String(process.pid), '-u', 'MB']);
    expect(mb.out[0]).toMatch(/ptotal [\d,]+ MB /);
    const mbZero = figureRows(mb.out).filter((f) => f.every((x) => x === '0')).length;
    expect(mbZero).toBeGreaterThan(allZero); // what KB avoids
  });

  it('says a refusal to root comes from a sandbox or the kernel, to a user that root would help', () => {
    expect(deniedText('/proc/1/smaps', true)).toBe('/proc/1/smaps is not readable even as root: a container or sandbox (or the kernel) limits /proc');
    expect(deniedText('/proc/1/smaps', false)).toMatch(/another user's process: run as root/);
  });

  // Where pid 1's smaps is refused to root (a sandbox, as here), the command says so.
  it.runIf(process.getuid?.() === 0 && unreadable('/proc/1/smaps'))('as root in a sandbox, --maps 1 does not say "run as root"', async () => {
    const r = await cli(['--maps', '1']);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^pmemstat: --maps 1: \/proc\/1\/(stat|smaps) is not readable even as root: a container or sandbox/);
    expect(r.err.join('\n')).not.toMatch(/run as root/);
  });
});
