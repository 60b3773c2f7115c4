#!/usr/bin/env bash
# The result directory under real conditions, through the release binary:
# two concurrent writers, a read-only directory, kill -9 and SIGINT/SIGTERM
# in the middle of a batch, a full disk, an empty shard (issue 8); kill -9
# twice and --resume giving the bytes of an uninterrupted batch (issue 6).
#
# Run from anywhere: bash tests/trust.sh (.ci/run calls it after cargo test).
# The read-only and full-disk checks mount small tmpfs file systems, which
# needs root (as in CI); without a way to make them, those checks are
# skipped with a message saying why. Ends with "trust.sh: N passed, N failed,
# N skipped"; exit status 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${UNGASIM_BIN:-target/release/ungasim}
SCENARIO=scenarios/oewg-vs-gge-2018.toml
if [[ ! -x $BIN ]]; then
    cargo build --release --locked --quiet || exit 1
fi
BIN=$(realpath "$BIN")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ungasim-trust.XXXXXX")
MOUNTS=()
IMMUTABLE=()
cleanup() {
    # Only this script's batches still running (after a failed wait_for).
    for pid in $(jobs -pr); do kill -9 "$pid" 2>/dev/null; done
    wait 2>/dev/null
    for dir in "${MOUNTS[@]}"; do umount "$dir" 2>/dev/null; done
    for dir in "${IMMUTABLE[@]}"; do chattr -i "$dir" 2>/dev/null; done
    chmod -R u+w "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

PASSED=0 FAILED=0 SKIPPED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP $1: $2"; }

# run OUT ARGS...: runs a batch in the foreground; sets STATUS, ERR (stderr), MS (milliseconds taken).
run() {
    local out=$1 start
    shift
    start=$(date +%s%N)
    ERR=$("$BIN" run "$SCENARIO" --out "$out" --quiet "$@" 2>&1 </dev/null)
    STATUS=$?
    MS=$((($(date +%s%N) - start) / 1000000))
}

# start OUT ARGS...: starts a batch in the background; sets PID; stderr goes to $WORK/stderr.tmp.
start() {
    local out=$1
    shift
    "$BIN" run "$SCENARIO" --out "$out" --quiet "$@" </dev/null 2>"$WORK/stderr.tmp" &
    PID=$!
}

# finish PID: waits for it (without the shell's "Killed" notice); sets STATUS and ERR.
finish() {
    wait "$1" 2>/dev/null
    STATUS=$?
    ERR=$(cat "$WORK/stderr.tmp")
}

# wait_for CONDITION...: polls (every 50 ms, at most 60 s) until the command succeeds.
wait_for() {
    local tries=0
    until "$@"; do
        tries=$((tries + 1))
        ((tries > 1200)) && return 1
        sleep 0.05
    done
}
bigger_than() { [[ -f $1 ]] && (($(stat -c %s "$1") > $2)); }
has_text() { [[ -s $1 ]]; }

# Every entry of DIR (hidden ones too), sorted, on one line.
entries() { ls -A "$1" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }
# The words given, sorted as entries() sorts, on one line.
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }
TABLES="blocs.csv distribution.csv manifest.json membership.csv scenario.json states.csv summary.csv tally.json"
TABLES_AND_RUNS="blocs.csv distribution.csv manifest.json membership.csv runs.csv scenario.json states.csv summary.csv tally.json"
CHECKPOINTED=$(sorted .checkpoint.json .runs.csv.partial)

# A directory that looks complete has a manifest; one without must hold no
# visible CSV file either.
nothing_looks_complete() {
    [[ ! -e $1/manifest.json ]] && [[ -z $(find "$1" -maxdepth 1 -name '*.csv' -print -quit) ]]
}

# make_unwritable DIR: makes the existing empty DIR refuse new files; sets HOW to the mechanism.
make_unwritable() {
    if mount -t tmpfs -o ro,size=64k tmpfs "$1" 2>/dev/null; then
        MOUNTS+=("$1")
        HOW="a read-only tmpfs mount"
    elif chattr +i "$1" 2>/dev/null; then
        IMMUTABLE+=("$1")
        HOW="chattr +i"
    elif ((EUID != 0)) && chmod a-w "$1"; then
        HOW="chmod a-w"
    else
        return 1
    fi
}

# small_disk DIR SIZE: mounts a tmpfs of SIZE on DIR.
small_disk() {
    mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null && MOUNTS+=("$1")
}

echo "trust.sh: $BIN in $WORK"

# --- Two writers at once: the second is refused at once, naming the first's PID.
out=$WORK/concurrent
start "$out" --runs 200000 --per-run --threads 1
first=$PID
wait_for has_text "$out/.ungasim.lock"
run "$out" --runs 1000 --seed 5 --per-run --force
if [[ $STATUS == 3 && $ERR == *"PID $first"* ]] && ((MS < 5000)); then
    pass "a second writer (--force) is refused at once, naming the holder's PID"
else
    fail "a second writer (--force) is refused at once, naming the holder's PID" \
        "status $STATUS after $MS ms: $ERR"
fi
run "$out" --runs 1000
[[ $STATUS == 3 && $ERR == *"PID $first"* ]] && pass "a second writer (no --force) is refused too" ||
    fail "a second writer (no --force) is refused too" "status $STATUS: $ERR"
finish "$first"
rows=$(wc -l <"$out/runs.csv" 2>/dev/null)
if [[ $STATUS == 0 && $(entries "$out") == "$TABLES_AND_RUNS" && $rows == 400001 ]] &&
    grep -q '"seed": 73,' "$out/manifest.json" && grep -q '"runs": 200000,' "$out/manifest.json"; then
    pass "the first writer's results are whole (runs.csv 400001 lines, its own manifest)"
else
    fail "the first writer's results are whole" "status $STATUS, entries: $(entries "$out"), runs.csv lines: $rows" "$ERR"
fi

# --- A directory where no file can be created: refused before simulating.
out=$WORK/readonly
mkdir "$out"
if make_unwritable "$out"; then
    run "$out" --runs 2000000
    if [[ $STATUS == 3 && $ERR == *"$out"*"not writable"* ]] && ((MS < 5000)); then
        pass "an unwritable directory ($HOW) is refused before simulating ($MS ms)"
    else
        fail "an unwritable directory ($HOW) is refused before simulating" "status $STATUS after $MS ms: $ERR"
    fi
    run "$out/new" --runs 2000000
    [[ $STATUS == 3 && $ERR == *"$out/new"* ]] && pass "a result directory that cannot be created is refused, named" ||
        fail "a result directory that cannot be created is refused, named" "status $STATUS: $ERR"
else
    skip "unwritable directory" "no read-only tmpfs mount, no chattr +i, and root ignores chmod"
fi

# --- kill -9 in the middle of a --per-run batch.
out=$WORK/killed
start "$out" --runs 20000000 --per-run --threads 1
wait_for bigger_than "$out/.runs.csv.partial" 1000000
kill -9 "$PID"
finish "$PID"
if nothing_looks_complete "$out"; then
    pass "kill -9 leaves nothing that looks complete ($(entries "$out"))"
else
    fail "kill -9 leaves nothing that looks complete" "entries: $(entries "$out")"
fi
run "$out" --runs 100
[[ $STATUS == 1 && $ERR == *".runs.csv.partial"* && $ERR == *"--force"* ]] &&
    pass "a rerun lists the stale partial file and points to --force" ||
    fail "a rerun lists the stale partial file and points to --force" "status $STATUS: $ERR"
run "$out" --runs 100 --force
[[ $STATUS == 0 && $(entries "$out") == "$TABLES" ]] &&
    pass "a rerun with --force (without --per-run) removes the stale partial file" ||
    fail "a rerun with --force (without --per-run) removes the stale partial file" \
        "status $STATUS, entries: $(entries "$out")" "$ERR"
before=$(cd "$out" && sha256sum $TABLES)
start "$out" --runs 20000000 --per-run --force --threads 1
wait_for bigger_than "$out/.runs.csv.partial" 1000000
kill -9 "$PID"
finish "$PID"
[[ $(cd "$out" && sha256sum $TABLES 2>&1) == "$before" ]] &&
    pass "kill -9 of a --force batch keeps the earlier results whole" ||
    fail "kill -9 of a --force batch keeps the earlier results whole" "entries: $(entries "$out")"

# --- SIGINT and SIGTERM in the middle of a batch: clean end, a message, 128 + signal.
for signal in INT TERM; do
    code=$((128 + $(kill -l "$signal")))
    out=$WORK/sig$signal
    start "$out" --runs 20000000 --per-run --threads 1
    wait_for bigger_than "$out/.runs.csv.partial" 1000000
    kill -"$signal" "$PID"
    finish "$PID"
    if [[ $STATUS == "$code" && $ERR == *"interrupted by SIG$signal"* && $ERR == *"no results"* &&
        $ERR == *"--resume"* && $(entries "$out") == "$CHECKPOINTED" ]]; then
        pass "SIG$signal ends the batch with status $code, a message, and only the checkpoint left"
    else
        fail "SIG$signal ends the batch with status $code, a message, and only the checkpoint left" \
            "status $STATUS, entries: $(entries "$out")" "$ERR"
    fi
done
out=$WORK/sigINT
run "$out" --runs 100 --force
before=$(cd "$out" && sha256sum $TABLES)
start "$out" --runs 20000000 --per-run --force --threads 1
wait_for bigger_than "$out/.runs.csv.partial" 1000000
kill -INT "$PID"
finish "$PID"
if [[ $STATUS == 130 && $ERR == *"unchanged"* && $(cd "$out" && sha256sum $TABLES 2>&1) == "$before" &&
    $(entries "$out") == "$(sorted $TABLES .checkpoint.json .runs.csv.partial)" ]]; then
    pass "SIGINT of a --force batch keeps the earlier results and says so"
else
    fail "SIGINT of a --force batch keeps the earlier results and says so" \
        "status $STATUS, entries: $(entries "$out")" "$ERR"
fi
# A second signal while the first is handled ends the process at once. Both
# are made pending while it is stopped; which one a thread handles first is
# up to the kernel, so either way out is accepted, and whatever is left must
# not look complete and must go with --force.
out=$WORK/twice
start "$out" --runs 20000000 --per-run --threads 1
wait_for bigger_than "$out/.runs.csv.partial" 1000000
kill -STOP "$PID"
kill -INT "$PID"
kill -TERM "$PID"
kill -CONT "$PID"
finish "$PID"
if [[ $STATUS == 130 || $STATUS == 143 ]] && nothing_looks_complete "$out"; then
    case $ERR in
    *interrupted*) ending="cleanly" ;;
    *) ending="at once, leaving: $(entries "$out")" ;;
    esac
    run "$out" --runs 100 --force
    [[ $STATUS == 0 && $(entries "$out") == "$TABLES" ]] &&
        pass "two signals end the batch ($ending); --force clears what is left" ||
        fail "two signals: --force clears what is left" "status $STATUS, entries: $(entries "$out")" "$ERR"
else
    fail "two signals end the batch" "status $STATUS, entries: $(entries "$out")" "$ERR"
fi

# --- A full disk: the error names the file; nothing is left.
out=$WORK/full
mkdir "$out"
if small_disk "$out" 1m; then
    run "$out/results" --runs 200000 --per-run
    # runs.csv fills the disk, or the checkpoint written after it does.
    if [[ $STATUS == 3 && ($ERR == *"$out/results/.runs.csv.partial"* || $ERR == *"$out/results/.checkpoint.json"*) &&
        $ERR == *"No space left on device"* && -z $(entries "$out/results") ]]; then
        pass "a full disk (runs.csv) gives an error naming the file, and leaves nothing"
    else
        fail "a full disk (runs.csv) gives an error naming the file, and leaves nothing" \
            "status $STATUS, entries: $(entries "$out/results")" "$ERR"
    fi
else
    skip "full disk" "cannot mount a small tmpfs (needs root)"
fi
out=$WORK/tiny
mkdir "$out"
# Room for the checkpoint (about 25 kB), not for the tables too.
if small_disk "$out" 48k; then
    run "$out" --runs 2000
    if [[ $STATUS == 3 && $ERR == *"$out/."*".csv.partial"*"No space left on device"* && -z $(entries "$out") ]]; then
        pass "a full disk (the tables) gives an error naming the file, and leaves nothing"
    else
        fail "a full disk (the tables) gives an error naming the file, and leaves nothing" \
            "status $STATUS, entries: $(entries "$out")" "$ERR"
    fi
else
    skip "full disk (tables)" "cannot mount a small tmpfs (needs root)"
fi

# --- kill -9 twice in the middle of a --per-run batch, then --resume: the
# bytes of an uninterrupted batch (the manifest up to its execution fields,
# which come last).
ref=$WORK/reference
out=$WORK/resumed
resumed_args=(--runs 400000 --per-run --seed 9)
run "$ref" "${resumed_args[@]}"
for size in 3000000 6000000; do
    start "$out" "${resumed_args[@]}" --threads 1 --resume
    wait_for bigger_than "$out/.runs.csv.partial" "$size" && wait_for has_text "$out/.checkpoint.json"
    kill -9 "$PID"
    finish "$PID"
done
killed_entries=$(entries "$out")
run "$out" "${resumed_args[@]}" --resume
same() { cmp -s "$ref/$1" "$out/$1"; }
result() { sed '/"threads"/,$d' "$1/manifest.json"; }
if [[ $STATUS == 0 && $(entries "$out") == "$TABLES_AND_RUNS" && $killed_entries == *.checkpoint.json* ]] &&
    same runs.csv && same summary.csv && same distribution.csv && same states.csv && same blocs.csv &&
    same membership.csv && same scenario.json && same tally.json && [[ $(result "$ref") == "$(result "$out")" ]]; then
    pass "kill -9 twice, then --resume, writes the bytes of an uninterrupted batch"
else
    fail "kill -9 twice, then --resume, writes the bytes of an uninterrupted batch" \
        "status $STATUS, entries after the kills: $killed_entries, after --resume: $(entries "$out")" "$ERR"
fi

# --- An empty shard: refused up front, nothing created.
out=$WORK/shard
run "$out" --shard 1/3 --runs 2
[[ $STATUS == 1 && $ERR == *"--shard 1/3"*"empty"* && ! -e $out ]] &&
    pass "an empty shard (--shard 1/3 --runs 2) is refused up front" ||
    fail "an empty shard (--shard 1/3 --runs 2) is refused up front" "status $STATUS, exists: $([[ -e $out ]] && echo yes)" "$ERR"

echo "trust.sh: $PASSED passed, $FAILED failed, $SKIPPED skipped"
((FAILED == 0))
