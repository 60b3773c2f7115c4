#!/usr/bin/env bash
# The report in a real browser: renders the report of a shipped scenario in
# headless Chromium (Debian's `chromium`, installed with apt-get when
# missing; needs root for that), checks the DOM Chromium built from it
# (--dump-dom) for the expected elements, and checks that the page loaded
# without a console error or a failed request. With --screenshot FILE it also
# saves a screenshot (how docs/report.png is made).
set -euo pipefail
cd "$(dirname "$0")/.."
SHOT=
[[ ${1:-} == --screenshot ]] && SHOT=$(realpath -m "$2")
BIN=${UNGASIM:-$PWD/target/release/ungasim}
[ -x "$BIN" ] || cargo build --release --locked --quiet
if ! command -v chromium >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ungasim-browser.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$BIN" run scenarios/oewg-vs-gge-2018.toml --runs 20000 --out "$WORK/results" --report --quiet
# The flags the machine's closed network needs (no background fetches), a
# fresh profile, and console messages on stderr.
chrome() {
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$WORK/profile" --enable-logging=stderr --v=0 "$@"
}
PAGE=file://$WORK/results/report.html
chrome --dump-dom "$PAGE" >"$WORK/dom.html" 2>"$WORK/console.log"
FAILED=0
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [[ $2 == "$3" ]]; then echo "PASS $1"; else echo "FAIL $1: expected $2, found $3"; FAILED=1; fi
}
count() { grep -o "$1" "$WORK/dom.html" | wc -l | tr -d ' '; }
check "the page is a batch report" 1 "$(count '<body [^>]*data-kind="batch"')"
check "one section per proposal" 2 "$(count '<section [^>]*class="proposal"')"
check "a tally histogram per proposal" 2 "$(count 'class="chart tally"')"
check "a voting board of 193 tiles per proposal" 386 "$(count '<g class="tile"')"
check "every tile has its tooltip" 386 "$(grep -Pzo '<g class="tile"[^>]*>\s*<title>' "$WORK/dom.html" | tr '\0' '\n' | grep -c '<title>')"
check "the majority threshold is marked on each proposal" 2 "$(count 'class="marker threshold"')"
# The recorded tally is marked on each proposal's charts (tally and margin).
check "the recorded tally is marked on the charts" 1 "$(($(count 'class="marker recorded"') >= 2))"
check "a bloc table per proposal" 2 "$(count '<table class="blocs"')"
check "a tipping-point table per proposal" 2 "$(count '<table class="tipping"')"
check "no request leaves the page" 0 "$(grep -Eo '(src|href)="https?://' "$WORK/dom.html" | wc -l | tr -d ' ')"
check "no console error or failed load" 0 "$(grep -Eci 'CONSOLE.*(error|uncaught)|Failed to load|net::ERR_' "$WORK/console.log" || true)"
if [[ -n $SHOT ]]; then
    chrome --hide-scrollbars --window-size=1200,2600 --screenshot="$SHOT" "$PAGE" 2>/dev/null
    echo "screenshot: $SHOT"
fi
exit $FAILED
