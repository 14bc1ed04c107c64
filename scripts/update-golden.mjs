// Regenerates fixtures/*/expected/*.txt: the CLI's report of each captured tree for
// each option set of fixtures/golden-cases.json. Review the diff before committing:
// these files are what the golden tests hold the report to.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cases = JSON.parse(readFileSync('fixtures/golden-cases.json', 'utf8'));
const maskTime = (s) => s.replace(/^\d\d:\d\d:\d\d /gm, 'HH:MM:SS ');
for (const kind of ['oneShot', 'loop']) {
  for (const tree of cases.trees[kind]) {
    const dir = join('fixtures', tree, 'expected');
    mkdirSync(dir, { recursive: true });
    for (const [name, args] of Object.entries(cases[kind])) {
      const r = spawnSync(process.execPath, ['dist/sampler.js', '--root', join('fixtures', tree), ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${tree} ${name}: exit ${r.status}: ${r.stderr}`);
      writeFileSync(join(dir, `${name}.txt`), maskTime(r.stdout));
      console.log(`wrote ${join(dir, name)}.txt`);
    }
  }
}
