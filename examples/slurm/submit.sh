#!/usr/bin/env bash
# Spread one ungasim batch over a Slurm job array, then merge it.
#
#   examples/slurm/submit.sh SCENARIO.toml RUNS TASKS OUT_DIR
#
# submits TASKS array tasks (examples/slurm/shard.sbatch, one shard each)
# and a merge job (merge.sbatch) that starts when all of them succeeded;
# prints the two job ids. OUT_DIR must be on a file system every node sees.
# The shards draw exactly the runs of the unsharded batch (each run has its
# own random stream), so OUT_DIR/merged is byte for byte what
# `ungasim run SCENARIO.toml --runs RUNS` writes (the manifest's execution
# fields aside). Set UNGASIM to the binary's path (default: ungasim on PATH).
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 SCENARIO.toml RUNS TASKS OUT_DIR" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
scenario="$(realpath "$1")"
mkdir -p "$4"
out="$(realpath "$4")"
export UNGASIM="${UNGASIM:-$(command -v ungasim)}" SCENARIO="$scenario" RUNS="$2" OUT="$out"
array=$(sbatch --parsable --export=ALL --chdir="$out" --array="0-$(($3 - 1))" "$here/shard.sbatch")
merge=$(sbatch --parsable --export=ALL --chdir="$out" --dependency="afterok:$array" "$here/merge.sbatch")
echo "array $array merge $merge"
