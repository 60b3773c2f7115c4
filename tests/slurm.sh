#!/usr/bin/env bash
# A sharded batch on a real Slurm cluster: a single-node cluster on this
# machine (Debian's slurmctld, slurmd and munge, started by hand without
# systemd), a 4-task job array of a shipped scenario through
# examples/slurm/submit.sh, the dependent merge job, and a check that the
# merged directory is byte for byte one single-process batch (CSV files and
# tally; the manifest apart from its execution fields).
#
# Run by .ci/run after the test suite (needs the release binary and root for
# apt-get and the daemons). Every daemon it starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/target/release/ungasim"
SCENARIO=scenarios/oewg-vs-gge-2018.toml
RUNS=2000
TASKS=4

if [ "$(id -u)" != 0 ]; then
    echo "slurm.sh: SKIPPED (needs root to install and start Slurm)"
    exit 0
fi
[ -x "$BIN" ] || { echo "slurm.sh: $BIN missing (run cargo test --release first)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        munge slurmctld slurmd slurm-client >/dev/null
fi

WORK="$(mktemp -d /tmp/ungasim-slurm.XXXXXX)"
PIDS=()
stop_all() {
    local pid i
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for i in $(seq 1 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2 i
    shift 2
    for i in $(seq 1 $((seconds * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "slurm.sh: timed out waiting for $what" >&2
    tail -n 20 "$WORK"/log/*.log >&2 2>/dev/null || true
    exit 1
}

# munge: reuse one that answers (a systemd host), else start our own.
if ! (munge -n | unmunge) >/dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground >"$WORK/munged.log" 2>&1 &
    PIDS+=($!)
    wait_for 10 munged sh -c 'munge -n | unmunge'
fi

mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
memory=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
cat >"$WORK/slurm.conf" <<CONF
ClusterName=ungasimci
SlurmctldHost=localhost
SlurmctldPort=${CTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
ReturnToService=2
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"

slurmctld -D -c -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
wait_for 30 slurmctld sh -c 'scontrol ping | grep -q UP'
slurmd -D -N localhost -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
wait_for 30 "slurmd idle" sh -c '[ "$(sinfo -h -n localhost -o %T)" = idle ]'

OUT="$WORK/out"
jobs=$(UNGASIM="$BIN" examples/slurm/submit.sh "$SCENARIO" "$RUNS" "$TASKS" "$OUT")
array=$(echo "$jobs" | awk '{print $2}')
merge=$(echo "$jobs" | awk '{print $4}')
wait_for 120 "jobs $array and $merge" sh -c "[ -z \"\$(squeue -h -j $array,$merge 2>/dev/null)\" ]"

"$BIN" run "$(realpath "$SCENARIO")" --runs "$RUNS" --out "$WORK/single" --quiet
failures=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
for i in $(seq 0 $((TASKS - 1))); do
    check "array task $i wrote its shard" test -f "$OUT/shard-$i/manifest.json"
done
check "the merge job wrote the merged batch" test -f "$OUT/merged/manifest.json"
for file in summary.csv distribution.csv states.csv blocs.csv membership.csv scenario.json tally.json; do
    check "merged $file == single batch" cmp -s "$OUT/merged/$file" "$WORK/single/$file"
done
strip() { # the manifest without the fields that describe the execution
    python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for key in ("threads", "started", "finished", "wall_seconds", "command_line"):
    m.pop(key, None)
print(json.dumps(m, indent=1, sort_keys=True))' "$1"
}
check "merged manifest == single batch's (execution fields aside)" \
    diff <(strip "$OUT/merged/manifest.json") <(strip "$WORK/single/manifest.json")
echo "slurm.sh: $((TASKS + 7 - failures)) passed, $failures failed"
[ "$failures" = 0 ] && rm -rf "$WORK"
