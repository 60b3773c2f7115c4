"""A NumPy peer of ungasim's engine: the same model, vectorised, for
throughput comparison and as a statistical cross-check of the engine.

It simulates the model of docs/MODEL.md (section 2: jitter, initial stance,
Friedkin-Johnsen rounds through blocs and ties, ordered logit or probit
vote with absence, sponsors and `[[force]]` votes; section 3: the outcome)
from the *resolved* scenario that `ungasim check SCENARIO --resolved`
prints, with numpy alone. It draws its own random numbers
(`numpy.random.default_rng`), so only the distributions agree with
ungasim's, not the runs. Scenarios with `[[uncertain]]` entries or a
series text (`drawn_each_run`) are refused (exit 2).

It prints its wall time and throughput in state-votes per second (runs x
proposals x states / seconds, setup excluded), P(adopted) and the mean
Yes, No, Abstain and Absent counts per proposal. When the ungasim binary
exists (or `--ungasim BIN` is given) it also times
`BIN run SCENARIO --runs N --threads 1 --out TMP --force --quiet`, reads
its `summary.csv` and prints its throughput, the ratio ungasim / numpy and
both sets of means. The comparison is one core against one core: ungasim
runs with `--threads 1`, and numpy's BLAS is pinned to one thread below
(numpy's own array operations are single-threaded anyway). ungasim's time
is its whole process, including start-up, the per-state, bloc and
tipping-point analytics this peer does not compute, and writing its files.

`--check` turns the comparison into a test: for every proposal, P(adopted)
and the mean Yes, No, Abstain and Absent counts of the two must agree
within 5 combined standard errors (see TOLERANCE), else it exits 1.

    python3 bench/peer_numpy.py                        # 200000 runs of the 2018 scenario
    python3 bench/peer_numpy.py --runs 20000 --check   # the agreement test
    python3 bench/peer_numpy.py --scenario scenarios/cybercrime-2019.toml
    python3 bench/peer_numpy.py --resolved results/x/scenario.json   # numpy only
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# One core, like `ungasim run --threads 1`: set before numpy loads its BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import numpy as np  # noqa: E402 (after the thread settings)

ROOT = Path(__file__).resolve().parent.parent
COUNTS = ("yes", "no", "abstain", "absent")
STATISTICS = ("P(adopted)",) + COUNTS
# Agreement tolerance of --check: for P(adopted) and the mean Yes, No,
# Abstain and Absent counts, |mean_numpy - mean_ungasim| <= 5 combined
# standard errors, sqrt(sd_numpy^2 / N + sd_ungasim^2 / N) (sd of the runs,
# divisor N; for P(adopted) sqrt(p (1 - p))). Two-sided, 5 SE is a false
# alarm with probability 6e-7 per comparison (about 1e-5 over the 10 of a
# two-proposal scenario); at 20000 runs it catches a bias of about a fifth
# of a vote in a mean count whose sd is 4 (combined SE 0.04).
TOLERANCE = 5.0
# The resolved scenario's keys that define what is simulated (not `scenario`,
# whose `runs` and `seed` the command line changes, nor `sweep`).
MODEL_KEYS = ("dimensions", "model", "states", "blocs", "ties", "proposals", "uncertain", "force")
# Thresholds (P(No), P(No or Abstain), P(present)) that a uniform on [0, 1)
# always ranks as the fixed vote: Yes, No, Abstain, Absent.
FIXED_THRESHOLDS = {
    "yes": (0.0, 0.0, 2.0), "no": (2.0, 2.0, 2.0), "abstain": (0.0, 2.0, 2.0), "absent": (0.0, 0.0, 0.0),
}


class Refused(Exception):
    """A scenario or setup the peer cannot compare; exit status 2."""


def logistic_cdf(x):
    """The standard logistic CDF (exact 0 and 1 far in the tails)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def normal_cdf(x):
    """The standard normal CDF, 0.5 erfc(-x / sqrt 2). numpy has no erfc, so
    this is Numerical Recipes' `erfcc` (fractional error below 1.2e-7
    everywhere): far below what a Monte Carlo comparison can resolve."""
    z = np.abs(x) * (1.0 / math.sqrt(2.0))
    t = 1.0 / (1.0 + 0.5 * z)
    coefficients = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807,
                    -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223)
    poly = np.zeros_like(t)
    for c in coefficients:
        poly = poly * t + c
    half_erfc = 0.5 * t * np.exp(poly - z * z)
    return np.where(x >= 0, 1.0 - half_erfc, half_erfc)


def influence(doc, index):
    """The R influence rounds as y(R) = keep * y0 + P (V y0).

    Every round reads stances only through the r "sources" s = Q y: the
    blocs' stances (members' mean, or the leader's stance) and the stances
    of tie targets, duplicates merged (NATO and FIVE_EYES both read the
    USA). With P[i, source] = lambda_i w / W_i a round is
    y(t+1) = keep * y0 + P Q y(t), keep_i = 1 - lambda_i (1 for a state
    without sources). So y(R) = keep * y0 + P V y0 with V = Q M(R-1), where
    M(t) is the t-round map, and V follows from the r x r recursion
    V(t+1) = Q diag(keep) + (Q P) V(t), V(0) = Q. Returns (keep, P, V);
    with R = 0, keep is 1 and P, V are empty.

    This low-rank form is the fastest of the three tried with numpy alone.
    For the 2018 scenario (r = 25 sources, 193 states, batches of 2000
    runs, one core of this 2-core EPYC VM) the jitter's passage through the
    rounds costs, per proposal and run: 0.77 us here (two GEMMs of 25 x 193,
    9650 multiply-adds); 1.73 us as one dense 193 x 193 map M(R) composed
    once per scenario (37249); 2.36 us as R = 3 rounds of bloc-averaging
    products (Q, then P, every round). Either way the rounds are a small
    part of a run: the normals of the jitter and the exponentials of the
    vote probabilities cost far more.
    """
    n, rounds = len(doc["states"]), doc["model"]["rounds"]
    if rounds == 0:
        return np.ones(n), np.zeros((n, 0)), np.zeros((0, n))
    lam = np.array([s["conformity"] for s in doc["states"]])
    rows, weights = [], []  # Q's rows and the raw weight of each state's pull on them
    for bloc in doc["blocs"]:
        row, member = np.zeros(n), np.zeros(n)
        member[[index[k] for k in bloc["members"]]] = 1.0
        if bloc["leader"] is None:
            row = member / member.sum()
        else:
            row[index[bloc["leader"]]] = 1.0
        rows.append(row)
        weights.append(bloc["cohesion"] * member)
    for tie in doc["ties"]:
        row, pulled = np.zeros(n), np.zeros(n)
        row[index[tie["to"]]] = 1.0
        pulled[index[tie["from"]]] = tie["weight"]
        rows.append(row)
        weights.append(pulled)
    raw = np.array(weights).T  # n x sources
    total = raw.sum(axis=1)
    pulled = total > 0
    share = np.divide(lam, total, out=np.zeros(n), where=pulled)
    keep = np.where(pulled, 1.0 - lam, 1.0)
    q, merged = np.unique(np.array(rows), axis=0, return_inverse=True)
    p = (share[:, None] * raw) @ np.eye(len(q))[merged.ravel()]
    v = q
    for _ in range(rounds - 1):
        v = q * keep + (q @ p) @ v
    return keep, p, v


def initial_stances(doc, index):
    """The jitter's slope a_j = 2 s_j (p_j - q_j), (m, D), and y0 of the
    unjittered positions, (n, m): a_j . x_i + s_j (|q_j|^2 - |p_j|^2)
    + beta_cap cb_j (1 - c_i) + beta_tie (sum of T_ik over j's sponsors k)."""
    states, proposals, model = doc["states"], doc["proposals"], doc["model"]
    x = np.array([s["position"] for s in states])
    position = np.array([p["position"] for p in proposals])
    status_quo = np.array([p["status_quo"] for p in proposals])
    salience = np.array([p["salience"] for p in proposals])
    slope = 2.0 * salience[:, None] * (position - status_quo)
    intercept = salience * ((status_quo ** 2).sum(axis=1) - (position ** 2).sum(axis=1))
    capacity = np.array([s["capacity"] for s in states])
    building = np.array([p["capacity_building"] for p in proposals])
    ties = np.zeros((len(states), len(states)))
    for tie in doc["ties"]:
        ties[index[tie["from"]], index[tie["to"]]] += tie["weight"]
    sponsors = np.array([[s["iso3"] in p["sponsors"] for s in states] for p in proposals], dtype=float)
    y0 = (x @ slope.T + intercept + model["capacity_weight"] * np.outer(1.0 - capacity, building)
          + model["tie_weight"] * ties @ sponsors.T)
    return slope, y0


def fixed_thresholds(doc, index):
    """Per proposal, the rows of the states whose vote is fixed (sponsors
    vote Yes; a `[[force]]` entry wins over sponsorship) and their
    FIXED_THRESHOLDS, (k, 3)."""
    fixed = [{index[s]: "yes" for s in p["sponsors"]} for p in doc["proposals"]]
    proposal = {p["id"]: j for j, p in enumerate(doc["proposals"])}
    for entry in doc["force"]:
        fixed[proposal[entry["proposal"]]][index[entry["state"]]] = entry["vote"]
    return [(np.array(sorted(votes), dtype=int), np.array([FIXED_THRESHOLDS[votes[i]] for i in sorted(votes)]))
            for votes in fixed]


@dataclass
class Peer:
    """A resolved scenario as arrays; `batch` simulates runs.

    States are rows (n), proposals j, dimensions d; stances of a batch are
    (n, runs) arrays, one proposal at a time.
    """

    jitter: float  # sigma_x
    slope: np.ndarray  # (m, D): a_j = 2 s_j (p_j - q_j)
    base: np.ndarray  # (n, m): y(R) of the unjittered positions
    keep: np.ndarray  # (n, 1)
    pull: np.ndarray  # (n, r): P
    reach: np.ndarray  # (r, n): V
    band: np.ndarray  # (n, 1): tau_i / sigma
    present: np.ndarray  # (n, 1): min(1, s a_i)
    cdf: object  # standard logistic or normal CDF
    noise_scale: float
    fixed: list  # per proposal: (rows, (k, 3) thresholds)
    majority: list  # per proposal: "simple" or "two_thirds"
    consensus: list  # per proposal: bool

    @classmethod
    def from_resolved(cls, doc):
        """Builds the arrays of a resolved scenario (see `refuse_unsupported`)."""
        states, proposals, model = doc["states"], doc["proposals"], doc["model"]
        index = {s["iso3"]: i for i, s in enumerate(states)}
        slope, y0 = initial_stances(doc, index)
        keep, pull, reach = influence(doc, index)
        sigma = model["noise_scale"]
        return cls(
            jitter=model["position_jitter"],
            slope=slope,
            base=keep[:, None] * y0 + pull @ (reach @ y0),
            keep=keep[:, None],
            pull=pull,
            reach=reach,
            band=np.array([[s["abstain_band"] / sigma] for s in states]),
            present=np.minimum(1.0, model["attendance_scale"] * np.array([[s["attendance"]] for s in states])),
            cdf=logistic_cdf if model["noise"] == "logistic" else normal_cdf,
            noise_scale=sigma,
            fixed=fixed_thresholds(doc, index),
            majority=[q["majority"] for q in proposals],
            consensus=[q["consensus"] for q in proposals],
        )

    @property
    def shape(self):
        """(states, proposals)."""
        return self.base.shape

    def stances(self, j, z):
        """y(R) of proposal j, (n, runs), from the batch's standard normals z
        (D, n, runs); without jitter the (n, 1) column of every run. Stances
        are affine in the jitter, so only the jitter goes through the rounds."""
        if self.jitter == 0.0:
            return self.base[:, j:j + 1]
        shift = np.tensordot(self.jitter * self.slope[j], z, axes=1)  # y0's jitter term
        return self.base[:, j:j + 1] + self.keep * shift + self.pull @ (self.reach @ shift)

    def thresholds(self, j, y):
        """a' P(No), a' P(No or Abstain) and a', with a' = P(present), for
        stances y: a uniform below the first is No, then Abstain, then Yes,
        at or above the last absent. Fixed votes get FIXED_THRESHOLDS."""
        w = y * (1.0 / self.noise_scale)
        no = self.present * self.cdf(-self.band - w)
        not_yes = self.present * self.cdf(self.band - w)
        present = self.present.copy()
        rows, fixed = self.fixed[j]
        for column, t in enumerate((no, not_yes, present)):
            t[rows] = fixed[:, column:column + 1]
        return no, not_yes, present

    def passed(self, j, yes, no):
        """Whether proposal j passed (adopted or consensus), per run."""
        if self.majority[j] == "simple":
            adopted = yes > no
        else:
            adopted = (yes >= 2 * no) & (yes > 0)
        return adopted | (no == 0) if self.consensus[j] else adopted

    def batch(self, rng, runs):
        """Simulates `runs` runs: per proposal and run, whether it passed
        and the Yes, No, Abstain and Absent counts, (m, 5, runs) integers."""
        n, m = self.shape
        z = rng.standard_normal((self.slope.shape[1], n, runs)) if self.jitter else None
        out = np.empty((m, len(STATISTICS), runs), dtype=np.int64)
        for j in range(m):
            t_no, t_not_yes, t_present = self.thresholds(j, self.stances(j, z))
            u = rng.random((n, runs))
            at_least = [np.count_nonzero(u >= t, axis=0) for t in (t_no, t_not_yes, t_present)]
            yes, no = at_least[1] - at_least[2], n - at_least[0]
            out[j] = (self.passed(j, yes, no), yes, no, at_least[0] - at_least[1], at_least[2])
        return out


@dataclass
class Summary:
    """Per proposal and statistic (STATISTICS: P(adopted), then the Yes, No,
    Abstain and Absent counts) the mean and standard deviation (divisor
    runs) over the runs, (m, 5) each."""

    runs: int
    mean: np.ndarray
    sd: np.ndarray


def simulate(peer, runs, batch, seed):
    """Runs the peer in batches; returns (Summary, seconds)."""
    rng = np.random.default_rng(seed)
    total = np.zeros((peer.shape[1], len(STATISTICS)), np.int64)
    squares = np.zeros_like(total)
    start = time.perf_counter()
    for done in range(0, runs, batch):
        values = peer.batch(rng, min(batch, runs - done))
        total += values.sum(axis=2)
        squares += (values * values).sum(axis=2)
    seconds = time.perf_counter() - start
    mean = total / runs
    return Summary(runs, mean, np.sqrt(np.maximum(squares / runs - mean ** 2, 0.0))), seconds


def refuse_unsupported(doc):
    """Raises Refused for what the peer does not simulate."""
    if doc["uncertain"]:
        raise Refused("the scenario has [[uncertain]] entries, which the NumPy peer does not simulate")
    drawn = [p["id"] for p in doc["proposals"] if p["drawn_each_run"]]
    if drawn:
        raise Refused(f"proposal(s) {', '.join(drawn)} draw their text in every run (like = [...]), "
                      "which the NumPy peer does not simulate")


def load_resolved(args):
    """The resolved scenario: --resolved FILE, else `BIN check SCENARIO --resolved`."""
    if args.resolved:
        return json.loads(Path(args.resolved).read_text())
    if not args.binary:
        raise Refused(f"no ungasim binary to resolve {args.scenario}: "
                      "build it (cargo build --release), pass --ungasim BIN or --resolved FILE.json")
    out = subprocess.run([args.binary, "check", str(args.scenario), "--resolved"], capture_output=True, text=True)
    if out.returncode != 0:
        raise Refused(f"`ungasim check {args.scenario}` failed:\n{out.stderr.strip()}")
    return json.loads(out.stdout)


def run_ungasim(binary, scenario, runs, seed, doc):
    """Times `ungasim run ... --threads 1` and returns (Summary, seconds);
    refuses if the batch's scenario.json is not the scenario the peer simulated."""
    with tempfile.TemporaryDirectory(prefix="peer-numpy-") as tmp:
        out = Path(tmp) / "batch"
        command = [binary, "run", str(scenario), "--runs", str(runs), "--seed", str(seed),
                   "--threads", "1", "--out", str(out), "--force", "--quiet"]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise Refused(f"`{' '.join(command)}` failed:\n{done.stderr.strip()}")
        ran = json.loads((out / "scenario.json").read_text())
        differ = [key for key in MODEL_KEYS if ran[key] != doc[key]]
        if differ:
            raise Refused(f"ungasim's batch of {scenario} simulated another scenario than the resolved one "
                          f"(their {', '.join(differ)} differ)")
        with open(out / "summary.csv", newline="") as f:
            rows = list(csv.DictReader(f))
    by_id = {row["proposal"]: row for row in rows}
    rows = [by_id[p["id"]] for p in doc["proposals"]]
    p = np.array([[float(row["p_adopted"])] for row in rows])
    mean = np.hstack([p, [[float(row[f"{c}_mean"]) for c in COUNTS] for row in rows]])
    sd = np.hstack([np.sqrt(p * (1.0 - p)), [[float(row[f"{c}_sd"]) for c in COUNTS] for row in rows]])
    return Summary(runs, mean, sd), seconds


def z_scores(a, b):
    """(mean_a - mean_b) in combined standard errors, per proposal and count;
    0 where both are exactly equal, infinite where they differ with no spread."""
    se = np.sqrt(a.sd ** 2 / a.runs + b.sd ** 2 / b.runs)
    diff = a.mean - b.mean
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(diff == 0.0, 0.0, diff / se)


def report(doc, peer_summary, peer_seconds, theirs=None):
    """Prints throughput and means; with ungasim's (Summary, seconds), its
    throughput, the ratio and the comparison. Returns the z-scores or None."""
    m, n, runs = len(doc["proposals"]), len(doc["states"]), peer_summary.runs
    votes = runs * m * n
    print(f"{doc['scenario']['name']}: {runs} runs x {m} proposals x {n} states")
    print(f"numpy   {peer_seconds:8.2f} s {votes / peer_seconds / 1e6:7.2f} M state-votes/s (one core, setup excluded)")
    if theirs:
        summary, seconds = theirs
        ratio = peer_seconds / seconds
        print(f"ungasim {seconds:8.2f} s {votes / seconds / 1e6:7.2f} M state-votes/s "
              f"(--threads 1, whole process): {ratio:.2f} x numpy")
    z = z_scores(peer_summary, theirs[0]) if theirs else None
    print(f"{'':22}" + "".join(f"{c:>10}" for c in STATISTICS))
    sources = [("numpy", peer_summary)] + ([("ungasim", theirs[0])] if theirs else [])
    for j, proposal in enumerate(doc["proposals"]):
        for k, (name, s) in enumerate(sources):
            label = proposal["id"] if k == 0 else ""
            print(f"{label:14}{name:8}{s.mean[j, 0]:10.4f}" + "".join(f"{v:10.2f}" for v in s.mean[j, 1:]))
        if theirs:
            print(f"{'':14}{'z':8}" + "".join(f"{v:10.1f}" for v in z[j]))
    return z


def parse_args(argv):
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200_000, help="runs, for both (default 200000)")
    parser.add_argument("--batch", type=int, default=2000, help="runs per numpy batch (default 2000)")
    parser.add_argument("--seed", type=int, help="seed of both (default: the scenario's)")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/oewg-vs-gge-2018.toml",
                        help="scenario file (default scenarios/oewg-vs-gge-2018.toml)")
    parser.add_argument("--resolved", help="the resolved scenario as JSON (`ungasim check --resolved`, or a batch's "
                                           "scenario.json) instead of asking ungasim; no comparison then "
                                           "unless --scenario is also given")
    parser.add_argument("--ungasim", metavar="BIN",
                        help="the ungasim binary (default target/release/ungasim, compared with when it exists)")
    parser.add_argument("--check", action="store_true",
                        help=f"fail (exit 1) unless P(adopted) and the mean counts agree with ungasim's within "
                             f"{TOLERANCE:g} combined standard errors")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.batch < 1 or (args.seed is not None and args.seed < 0):
        parser.error("--runs and --batch must be positive, --seed not negative")
    if args.ungasim and not os.access(args.ungasim, os.X_OK):
        parser.error(f"--ungasim {args.ungasim}: not an executable file")
    default = ROOT / "target/release/ungasim"
    args.binary = args.ungasim or (str(default) if os.access(default, os.X_OK) else None)
    explicit_scenario = any(a == "--scenario" or a.startswith("--scenario=") for a in argv)
    args.compare = args.binary is not None and (not args.resolved or explicit_scenario)
    if args.check and not args.compare:
        parser.error("--check needs the ungasim binary and a scenario file")
    return args


def main(argv):
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    try:
        doc = load_resolved(args)
        refuse_unsupported(doc)
        peer = Peer.from_resolved(doc)
        seed = doc["scenario"]["seed"] if args.seed is None else args.seed
        summary, seconds = simulate(peer, args.runs, args.batch, seed)
        theirs = run_ungasim(args.binary, args.scenario, args.runs, seed, doc) if args.compare else None
    except Refused as refusal:
        print(f"peer_numpy: {refusal}", file=sys.stderr)
        return 2
    z = report(doc, summary, seconds, theirs)
    if args.check:
        worst = float(np.abs(z).max())
        if worst > TOLERANCE:
            print(f"peer_numpy: FAILED: numpy and ungasim differ by {worst:.1f} > {TOLERANCE:g} combined standard "
                  "errors (z rows above)", file=sys.stderr)
            return 1
        print(f"peer_numpy: {doc['scenario']['name']}: numpy and ungasim agree within {TOLERANCE:g} combined "
              f"standard errors over {args.runs} runs (largest |z| {worst:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
