// In-process callers (tests, an embedding) run the CLI and the helper's server many times in
// one process: each run must give back the fds its sampler kept (a stat and a smaps_rollup fd
// per process), or a few hundred runs on a machine of thousands of processes reach EMFILE.
import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { HelperServer } from '../../src/sampler/serve';
import type { Reply } from '../../src/shared/protocol';

/** This process's open fds on another process's /proc files (what a sampler keeps). */
function procFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (/^\/proc\/\d+\//.test(readlinkSync(`/proc/self/fd/${fd}`))) n++;
    } catch {
      // closed between the listing and the readlink
    }
  }
  return n;
}

describe('in-process runs give their fds back', () => {
  it('runCli, run three times, leaves none open', async () => {
    const before = procFds();
    for (let i = 0; i < 3; i++) {
      const lines: string[] = [];
      const status = await runCli(['-W', '-U', '--json', '-g', 'pid'], {
        out: (s) => lines.push(s),
        err: (s) => lines.push(s),
      });
      expect(status, lines.join('\n')).toBe(0);
    }
    expect(procFds()).toBe(before);
  });

  it('a HelperServer that sampled, once closed, leaves none open', () => {
    const before = procFds();
    const out: Reply[] = [];
    const srv = new HelperServer((r) => out.push(r), { root: '/' });
    srv.handle({ line: '{"id":1,"type":"configure","config":{"groupBy":"pid"}}' });
    srv.handle({ line: '{"id":2,"type":"sample"}' });
    srv.handle({ line: '{"id":3,"type":"sample"}' });
    expect(out.map((r) => r.type)).toEqual(['configure', 'sample', 'sample']);
    // It keeps fds between samples (what makes the next one cheap) ...
    expect(procFds()).toBeGreaterThan(before);
    srv.close();
    // ... and gives every one back when closed.
    expect(procFds()).toBe(before);
  });
});
