// Process churn for the recorder's benchmark: RATE processes a minute start and exit, each living
// 1 to 3 s; half of them repeat four command lines (cron jobs, health checks, shell prompts), half
// name a file of their own (a build's compiler runs). Runs until killed (its process group).
//
//   node bench/churn.mjs RATE_PER_MINUTE
import { spawn } from 'node:child_process';

const rate = Number(process.argv[2] ?? 60);
const SAME = ['/usr/bin/python3 /opt/app/worker.py --queue default', '/bin/sh -c git status --porcelain=v2', 'curl -fsS http://localhost:8080/healthz', '/usr/sbin/logrotate /etc/logrotate.conf'];
let n = 0;
const one = () => {
  const i = n++;
  const argv0 = i % 2 === 0 ? SAME[(i >> 1) % SAME.length] : `/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet -O2 src/module${i}.c -o /tmp/cc${i}.s`;
  spawn('sleep', [String(1 + (i % 3))], { argv0, stdio: 'ignore' }).on('error', () => undefined);
};
if (rate > 0) {
  // Ten bursts a second, so the starts are spread over each sample rather than all at its edge.
  const per = rate / 600;
  let owed = 0;
  setInterval(() => {
    owed += per;
    for (; owed >= 1; owed--) one();
  }, 100);
} else setInterval(() => undefined, 1 << 30);
