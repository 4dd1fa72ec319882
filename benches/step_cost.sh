#!/usr/bin/env bash
# One-thread CPU cost per environment step of each algorithm at a preset, by difference: two runs
# that differ only in their number of update steps (same start-up, random phase, evaluations and
# final checkpoint); cost = (CPU(n2) − CPU(n1)) / (n2 − n1), CPU = user + system time.
# The figures in src/study/cost.rs and paper-notes/results/costs.md come from
#   benches/step_cost.sh paper 20 60;  benches/step_cost.sh cpu 50 250;  benches/step_cost.sh demo 50 450
# Usage: [ALGOS="rfm sac"] benches/step_cost.sh PRESET N1 N2 [TASK] (from the repository root, after cargo build --release)
set -euo pipefail
preset=$1 n1=$2 n2=$3 task=${4:-cheetah-run}
here=$(cd "$(dirname "$0")" && pwd)
rfm=${RFM:-$here/../target/release/rfm}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cpu_seconds() { # CPU seconds of one run of N update steps
  local n=$1 t
  t=$( { TIMEFORMAT='%U %S'; time "$rfm" train --task "$task" --algo "$algo" --preset "$preset" \
        --steps $((100 + n)) --threads 1 --seed 0 --config "$here/step_cost.toml" \
        --out "$out/$algo-$n" >/dev/null 2>&1; } 2>&1 )
  awk '{ print $1 + $2 }' <<<"$t"
}
printf '%-9s %-8s %12s %10s\n' preset algo 's/step' 'steps/s'
for algo in ${ALGOS:-rfm qne maxentdp dqs qsm qvpo sac}; do
  t1=$(cpu_seconds "$n1"); t2=$(cpu_seconds "$n2")
  awk -v p="$preset" -v a="$algo" -v t1="$t1" -v t2="$t2" -v n1="$n1" -v n2="$n2" \
    'BEGIN { c = (t2 - t1) / (n2 - n1); printf "%-9s %-8s %12.4g %10.1f\n", p, a, c, 1 / c }'
done
