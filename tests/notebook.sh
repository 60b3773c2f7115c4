#!/usr/bin/env bash
# Executes examples/analysis.ipynb as a reader would, failing on any error:
# installs the notebook's Python dependencies (examples/requirements.txt)
# into a fresh virtual environment, then runs every cell with
# `jupyter nbconvert --execute` against the release binary.
# Then checks the NumPy peer of the engine against it on two shipped
# scenarios (bench/peer_numpy.py --check, numpy from the same venv).
# Needs python3 with venv and pip, and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${UNGASIM:-$PWD/target/release/ungasim}
[ -x "$BIN" ] || cargo build --release --locked --quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ungasim-notebook.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check -r examples/requirements.txt
UNGASIM=$BIN "$WORK/venv/bin/jupyter" nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=600 --output-dir "$WORK" examples/analysis.ipynb
# Every code cell ran and none left an error output.
"$WORK/venv/bin/python" - "$WORK/analysis.ipynb" <<'PY'
import json, sys
cells = [c for c in json.load(open(sys.argv[1]))["cells"] if c["cell_type"] == "code"]
errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
unrun = [i for i, c in enumerate(cells) if c.get("execution_count") is None]
images = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
assert not errors and not unrun, f"errors {errors}, cells not run {unrun}"
assert images >= 2, f"expected the two charts, found {images} images"
print(f"notebook.sh: {len(cells)} code cells ran, {images} charts drawn")
PY
# The NumPy peer and the engine agree on the mean tallies (full table only on failure).
for scenario in scenarios/oewg-vs-gge-2018.toml scenarios/cybercrime-2019.toml; do
    out=$("$WORK/venv/bin/python" bench/peer_numpy.py --check --runs 20000 --ungasim "$BIN" --scenario "$scenario" 2>&1) ||
        { echo "$out" >&2; exit 1; }
    echo "${out##*$'\n'}"
done
