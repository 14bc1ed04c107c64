#!/bin/bash
# Where a recording's bytes go under churn (docs/recorder.md#figures): `pmemstat record` every 5 s
# in a PID namespace of its own beside 1,000 idle processes (bench/idle.c, built by part 5 of
# `npm run bench:recorder` into .cache/idle) and 1,200 processes starting and exiting a minute
# (bench/churn.mjs), then the pages each table holds, from sqlite3's dbstat. Root only.
#
#   bench/recorder-tables.sh [SAMPLER_JS] [DIR] [SECONDS]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
sampler=${1:-$repo/dist/sampler.js}
dir=${2:-$(mktemp -d)}
secs=${3:-120}
unshare --pid --fork --mount-proc bash -c "
  '$repo/.cache/idle' 1000 > /dev/null &
  node '$repo/bench/churn.mjs' 1200 &
  sleep 1
  timeout -s INT $secs node '$sampler' record --dir '$dir' --interval 5 2> /dev/null || true
"
sqlite3 "$dir/pmemstat.db" "SELECT name, sum(pgsize) AS bytes, sum(ncell) AS cells FROM dbstat GROUP BY name ORDER BY bytes DESC; SELECT 'samples', count(*) FROM ticks;"
