#!/usr/bin/env bash
# Peak memory of `ungasim run` against the number of runs.
#
# Builds the release binary, writes a scenario of 1000 proposals into a
# temporary directory and runs it at several run counts under
# /usr/bin/time, printing the peak resident set of each and its ratio to
# the first. Peak memory does not depend on --runs, so the ratios should be
# about 1 (the acceptance bound is 10%). 100000 runs of 1000 proposals take
# a while (about half an hour on 2 cores); pass other run counts as
# arguments, e.g. `bench/memory.sh 1000 10000`. THREADS (default: all cores)
# sets --threads; EXTRA adds options to every run (e.g. EXTRA=--per-run).
#
#   bench/memory.sh                # 1000, 10000 and 100000 runs
set -euo pipefail

cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000 100000)
[ -x /usr/bin/time ] || { echo "bench/memory.sh needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }

cargo build --release --quiet
binary=$PWD/target/release/ungasim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scenario=$work/proposals-1000.toml
{
    printf '[scenario]\nname = "memory benchmark: 1000 proposals"\ndate = "2018-12-05"\nseed = 1\n'
    for i in $(seq 0 999); do
        # Positions spread over [-1, 1] on the first dimension.
        x=$(awk -v i="$i" 'BEGIN { printf "%.4f", -1 + 2 * i / 999 }')
        printf '\n[[proposals]]\nid = "P%04d"\nposition = [%s, 0.1]\nsponsors = ["RUS"]\n' "$i" "$x"
    done
} >"$scenario"

threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
echo "ungasim $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, 1000 proposals x 193 states${THREADS:+, --threads $THREADS}${EXTRA:+, $EXTRA}"
printf '%10s %14s %10s %8s\n' runs "peak RSS (KB)" "wall (s)" ratio
first=
for runs in "${counts[@]}"; do
    # shellcheck disable=SC2086  # EXTRA is a list of options
    /usr/bin/time -o "$work/time" -f '%M %e' "$binary" run "$scenario" --runs "$runs" "${threads[@]}" \
        --out "$work/out-$runs" --force --quiet ${EXTRA:-}
    read -r kb seconds <"$work/time"
    first=${first:-$kb}
    printf '%10s %14s %10s %8s\n' "$runs" "$kb" "$seconds" "$(awk -v a="$kb" -v b="$first" 'BEGIN { printf "%.3f", a / b }')"
    rm -rf "$work/out-$runs"
done
