#!/usr/bin/env python3
"""govlint's benchmark: the performance targets of SPEC section 7, as one table.

    python3 benches/bench.py [--sizes 1k,10k,50k] [--runs 5] [--real GIT_CLONE]
                             [--quick] [--isms] [--skip-peers] [--govlint BIN]

For each size it makes (once; cached under target/bench-repos/, keyed by the
parameters and by gen-repo.py's content) a synthetic governance repository
with ../shared/bench/gen-repo.py (seed 7):

    1k = 1,000 records / 2,000 commits, 10k = 10,000 / 20,000,
    50k = 50,000 / 100,000 (about a minute to make),

builds govlint in release mode (unless --govlint names a binary), installs
the peers under target/ (check-jsonschema in target/bench-venv from PyPI;
ajv-cli and ajv-formats in target/bench-tools from npm; a peer that cannot be
installed is "not measured" and the run goes on), and measures, each as the
median time of RUNS runs, interleaved so machine load hits every command
alike, and the peak resident memory (the child's own ru_maxrss, from wait4)
of the same runs:

  - `govlint check` without history rules (`packs: []`, YAML records only,
    cold) against check-jsonschema and ajv-cli validating the same files
    against the same schemas, run from the schema folder;
  - `govlint check` with every rule, cold (govlint's whole cache folder
    emptied before the run) against `git log --name-only` over the same
    history, then warm (cache filled);
  - `govlint check --staged` with one staged change, warm;
  - `govlint audit` (Markdown), warm;
  - growth between sizes (time and peak memory).

--real GIT_CLONE takes a clone of git/git (or any repository): it is cloned
once (`git clone --shared`, under target/bench-repos/), the example ISMS of
`govlint init --example` is committed at its tip in `isms/`, and a cold
`govlint check` there is measured against `git log --name-only` over the
whole history (time and peak memory).

The table (Markdown: one row per figure, with govlint's figure, the peer's,
the ratio, the SPEC 7 target and whether it is met, then machine notes) is
printed and written to target/bench.md. Times on a shared machine are noisy:
read the ratios, measured side by side in one run. Nothing here asserts a
time; the script fails only when a command fails. --quick is the CI version
(1k, one run). With --isms the repositories also hold the rest of the ISMS
(SPEC 1.3) in one more commit: the example's scope, risk method, audits,
nonconformities, competences and measurements, its Statement of
Applicability table (93 rows) and a risk register table of 1,000 rows.

govlint runs with a private cache folder (XDG_CACHE_HOME under
target/bench-work/), never the user's. Needs python3, git and cargo; node
and npm for ajv-cli.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent / "shared"
GEN = SHARED / "bench" / "gen-repo.py"
TARGET = HERE / "target"
SIZES = {"1k": (1000, 2000), "10k": (10000, 20000), "50k": (50000, 100000)}
SEED = 7
TODAY = "2026-11-15"  # gen-repo.py's history ends on 2026-11-01
GIT_LOG = ["git", "log", "--name-only", "--format=%H"]
ISMS_DIRS = ["audits", "competences", "context", "measurements", "nonconformities",
             "registers", "risk", "soa"]
RISK_ROWS = 1000
ARG_BYTES = 1_000_000  # split a peer's file list beyond this (ARG_MAX is 2 MiB)
REAL_ISMS = "isms"  # the folder --real commits the example ISMS in


# ----------------------------------------------------------------- running

class Failed(Exception):
    pass


def measure_rc(cmd, cwd, env=None, ok=(0,)):
    """Runs cmd once: (seconds, peak resident MiB of that child alone, exit code)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            raise Failed(f"`{' '.join(map(str, cmd))}` (in {cwd}) exited "
                         f"{proc.returncode}:\n{err.read().decode(errors='replace')[-2000:]}")
    return took, usage.ru_maxrss / 1024, proc.returncode  # ru_maxrss is in KiB on Linux


def measure(cmd, cwd, env=None, ok=(0,)):
    """Runs cmd once: (seconds, peak resident MiB of that child alone)."""
    return measure_rc(cmd, cwd, env, ok)[:2]


def sh(cmd, cwd=None, env=None, quiet=True, timeout=None):
    """Runs a setup command; output to stderr unless quiet; raises on failure."""
    subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL if quiet else sys.stderr,
                   stderr=subprocess.DEVNULL if quiet else None)


def out(cmd, cwd=None, env=None):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def interleaved(commands, runs):
    """commands: name -> thunk returning (seconds, MiB). Returns
    name -> (median seconds, highest MiB), running every command once per round."""
    samples = {name: [] for name in commands}
    for _ in range(runs):
        for name, thunk in commands.items():
            samples[name].append(thunk())
    return {name: (statistics.median(s for s, _ in got), max(m for _, m in got))
            for name, got in samples.items()}


def say(msg):
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- repositories

def gen_key():
    return hashlib.sha256(GEN.read_bytes()).hexdigest()[:8]


def bench_repo(records, commits, isms, govlint):
    """The cached repository for these parameters, made if missing."""
    base = TARGET / "bench-repos" / f"r{records}-c{commits}-s{SEED}-g{gen_key()}"
    if not (base / ".bench-ready").exists():
        say(f"making {base.name} with gen-repo.py ...")
        tmp = base.with_name(base.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        sh([sys.executable, GEN, tmp, "--records", records, "--commits", commits,
            "--seed", SEED])
        (tmp / ".git" / "info" / "exclude").write_text(".bench-ready\n")
        (tmp / ".bench-ready").write_text("")
        shutil.rmtree(base, ignore_errors=True)
        tmp.rename(base)
    if not isms:
        return base
    full = base.with_name(base.name + "-isms")
    if not (full / ".bench-ready").exists():
        say(f"making {full.name} ...")
        tmp = full.with_name(full.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(base, tmp, symlinks=True)
        add_isms(tmp, govlint)
        shutil.rmtree(full, ignore_errors=True)
        tmp.rename(full)
    return full


def example_isms(govlint, scratch):
    """The files of `govlint init --example` (its records and config, no .git)."""
    example = scratch / "example"
    shutil.rmtree(example, ignore_errors=True)
    sh([govlint, "init", "--example", example, "--today", TODAY])
    return example


def add_isms(repo, govlint):
    """Adds the rest of the ISMS as one commit: see --isms."""
    with tempfile.TemporaryDirectory(prefix="govlint-example-", dir=TARGET) as scratch:
        example = example_isms(govlint, Path(scratch))
        for d in ISMS_DIRS:
            shutil.copytree(example / d, repo / d)
    # The example's risks, repeated under new ids up to RISK_ROWS rows.
    register = repo / "registers" / "risks.csv"
    header, *rows = register.read_text().splitlines()
    lines = [header]
    for i in range(RISK_ROWS):
        cells = rows[i % len(rows)].split(",", 1)
        lines.append(f"R-{i + 1:05d},{cells[1]}")
    register.write_text("\n".join(lines) + "\n")
    config = repo / "govlint.yaml"
    config.write_text(config.read_text().replace(
        "records:\n",
        "records:\n  tables:\n    - { files: \"registers/risks.csv\", kind: Risk }\n"
        "    - { files: \"soa/*.csv\", kind: Control }\n", 1))
    commit_all(repo, "Add the rest of the ISMS")


def commit_all(repo, message):
    sh(["git", "add", "-A"], cwd=repo)
    sh(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
        "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", message], cwd=repo)


def real_repo(source, govlint):
    """A clone of SOURCE (git/git) with the example ISMS committed at its tip."""
    source = Path(source).resolve()
    head = out(["git", "-C", source, "rev-parse", "HEAD"])
    dest = TARGET / "bench-repos" / f"real-{source.name}-{head[:12]}-g{gen_key()}"
    if (dest / ".bench-ready").exists():
        return dest
    say(f"cloning {source} to {dest.name} and committing the example ISMS at its tip ...")
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    sh(["git", "clone", "-q", "--shared", source, tmp])
    with tempfile.TemporaryDirectory(prefix="govlint-example-", dir=TARGET) as scratch:
        example = example_isms(govlint, Path(scratch))
        shutil.rmtree(example / ".git")
        shutil.copytree(example, tmp / REAL_ISMS)
    commit_all(tmp, "Add the ISMS")
    (tmp / ".git" / "info").mkdir(exist_ok=True)
    with open(tmp / ".git" / "info" / "exclude", "a") as f:
        f.write(".bench-ready\n")
    (tmp / ".bench-ready").write_text("")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


# ----------------------------------------------------------------- peers

def install_check_jsonschema():
    """(path, None) or (None, why not)."""
    venv = TARGET / "bench-venv"
    exe = venv / "bin" / "check-jsonschema"
    if not exe.exists():
        say("installing check-jsonschema into target/bench-venv ...")
        try:
            sh([sys.executable, "-m", "venv", venv], timeout=240)
            sh([venv / "bin" / "pip", "install", "-q", "check-jsonschema"], timeout=240)
        except (subprocess.SubprocessError, OSError) as e:
            shutil.rmtree(venv, ignore_errors=True)
            return None, f"install failed ({type(e).__name__})"
    return exe, None


def install_ajv():
    tools = TARGET / "bench-tools"
    exe = tools / "node_modules" / ".bin" / "ajv"
    if not (exe.exists() and (tools / "node_modules" / "ajv-formats").exists()):
        if not shutil.which("npm"):
            return None, "npm not found"
        say("installing ajv-cli and ajv-formats into target/bench-tools ...")
        try:
            sh(["npm", "install", "--prefix", tools, "--no-audit", "--no-fund",
                "ajv-cli", "ajv-formats"], timeout=240)
        except (subprocess.SubprocessError, OSError) as e:
            return None, f"install failed ({type(e).__name__})"
    return exe, None


def version_of(cmd):
    try:
        return out(cmd).splitlines()[0]
    except (subprocess.SubprocessError, OSError, IndexError):
        return "?"


def npm_version(package):
    try:
        meta = TARGET / "bench-tools" / "node_modules" / package / "package.json"
        return json.loads(meta.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def chunks(files):
    """Splits a file list so that one command line stays under ARG_BYTES."""
    part, size = [], 0
    for f in files:
        if part and size + len(f) + 8 > ARG_BYTES:
            yield part
            part, size = [], 0
        part.append(f)
        size += len(f) + 8
    if part:
        yield part


class Peers:
    """Schema validators run from a copy of the schema folder that govlint
    embeds (schemas/*.schema.json), with the repository linked in as `r`, so
    that relative `$ref`s resolve and the file lists stay short."""

    def __init__(self, work, skip):
        self.dir = work / "schemas"
        self.dir.mkdir()
        for schema in (HERE / "schemas").glob("*.schema.json"):
            shutil.copy2(schema, self.dir / schema.name)
        self.cj, self.cj_why = (None, "--skip-peers") if skip else install_check_jsonschema()
        self.ajv, self.ajv_why = (None, "--skip-peers") if skip else install_ajv()
        self.env = dict(os.environ, NODE_PATH=str(TARGET / "bench-tools" / "node_modules"))
        self.shim = HERE / "benches" / "ajv-yaml12.js"
        self.checked, self.rejected = False, set()

    def link(self, repo):
        link = self.dir / "r"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(repo)

    def cj_cmds(self, kind, files):
        schema = self.dir / f"{kind}.schema.json"
        # The schemas' absolute $id would send relative $refs to the network:
        # a file base URI keeps them in this folder.
        for part in chunks(files):
            yield [self.cj, "--base-uri", schema.as_uri(), "--schemafile", schema.name, *part]

    def ajv_cmds(self, kind, files):
        for part in chunks(files):
            data = [a for f in part for a in ("-d", f)]
            yield [self.ajv, "validate", "--spec=draft2020", "--allow-union-types",
                   "-c", self.shim, "-s", f"{kind}.schema.json", "-r", "common.schema.json",
                   *data]

    def run(self, which, by_kind, ok=(0, 1)):
        """One validation of every file by peer `which`: (seconds, MiB). An
        exit code of 1 (some file invalid) is noted, not fatal."""
        total, peak = 0.0, 0.0
        for kind, files in by_kind.items():
            cmds = self.cj_cmds(kind, files) if which == "cj" else self.ajv_cmds(kind, files)
            for cmd in cmds:
                took, mib, code = measure_rc(cmd, self.dir, self.env, ok)
                total, peak = total + took, max(peak, mib)
                if code:
                    self.rejected.add(which)
        return total, peak

    def sanity(self, by_kind):
        """Once: each peer must accept a record of the repository and reject
        one that breaks its schema (else it is not validating); a peer that
        fails this is not measured."""
        if self.checked or not by_kind:
            return
        self.checked = True
        kind, files = next(iter(by_kind.items()))
        bad = self.dir / "bad"
        bad.mkdir()
        (bad / "obj.yaml").write_text(
            "kind: Objective\nid: OBJ-1\ntitle: T\nowner: p1\nmetric: m\ntarget: 1\n"
            "due: 2026-13-45\nstatus: nonsense\n")
        for which in ("cj", "ajv"):
            if getattr(self, which) is None:
                continue
            why = None
            try:
                self.run(which, {kind: files[:1]}, ok=(0,))
            except (Failed, OSError) as e:
                why = f"failed on a valid record: {str(e).splitlines()[-1][:120]}"
            if why is None:
                try:
                    self.run(which, {"Objective": ["bad/obj.yaml"]}, ok=(0,))
                    why = "accepted an invalid record: not validating"
                except Failed:
                    pass  # rejected, as it must be
            if why:
                say(f"{which}: {why}")
                setattr(self, which, None)
                setattr(self, which + "_why", why)


def yaml_records(repo):
    """(kind -> the repository's single-document YAML record files, the
    multi-document ones), as relative paths, for the kinds that have a
    schema. Neither peer reads a file of several documents as several
    records, so those are left out on both sides."""
    by_kind, multi = {}, []
    for path in sorted(repo.rglob("*.yaml")):
        rel = path.relative_to(repo)
        if rel.parts[0] == ".git" or rel.as_posix() == "govlint.yaml":
            continue
        lines = path.read_text().splitlines()
        if any(line == "---" or line.startswith("--- ") for line in lines):
            multi.append(rel.as_posix())
            continue
        kind = next((line.split(":", 1)[1].strip() for line in lines
                     if line.startswith("kind: ")), None)
        if kind and (HERE / "schemas" / f"{kind}.schema.json").exists():
            by_kind.setdefault(kind, []).append(rel.as_posix())
    return by_kind, multi


def govlint_files(govlint, repo, config, env):
    """The files govlint reads records from under CONFIG (`govlint log`)."""
    listing = out([govlint, "log", "--format", "json", "--config", config, "--today", TODAY],
                  cwd=repo, env=env)
    return {r["file"] for r in json.loads(listing)["records"]}


# ----------------------------------------------------------------- one size

def bench_size(label, repo, govlint, peers, runs, work):
    """The figures of one repository: name -> (seconds, MiB) plus facts."""
    cache = work / f"cache-{label}"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("GOVLINT_NO_CACHE", None)
    today = ["--today", TODAY]

    def clear():
        shutil.rmtree(cache, ignore_errors=True)  # the whole govlint cache folder

    def gl(args, cwd=repo, cold=False):
        def thunk():
            if cold:
                clear()
            return measure([govlint, *args, *today], cwd, env, ok=(0, 1))
        return thunk

    facts = {}
    # 1. Schemas only: no packs (so no history), YAML records only; the peers
    # get exactly the files govlint reads (checked against `govlint log`).
    config = work / f"schema-only-{label}.yaml"
    by_kind, multi = yaml_records(repo)
    config.write_text('version: 1\nrecords:\n  include: ["**/*.yaml"]\n'
                      f'  exclude: {json.dumps(multi)}\npacks: []\n')
    facts["multi"] = len(multi)
    files = {f for fs in by_kind.values() for f in fs}
    facts["yaml"] = len(files)
    facts["kinds"] = len(by_kind)
    facts["md"] = sum(1 for p in repo.rglob("*.md") if ".git" not in p.parts)
    try:
        seen = govlint_files(govlint, repo, config, env)
        facts["same_files"] = "yes" if seen == files else (
            f"NO: govlint reads {len(seen)} files, the peers get {len(files)}")
    except (subprocess.SubprocessError, ValueError, KeyError, TypeError) as e:
        facts["same_files"] = f"not checked ({type(e).__name__})"
    peers.link(repo)
    by_kind_r = {k: [f"r/{f}" for f in fs] for k, fs in by_kind.items()}
    peers.sanity(by_kind_r)
    commands = {"schema": gl(["check", "-q", "--config", config], cold=True)}
    if peers.cj:
        commands["cj"] = lambda: peers.run("cj", by_kind_r)
    if peers.ajv:
        commands["ajv"] = lambda: peers.run("ajv", by_kind_r)
    say(f"{label}: schemas only ...")
    figures = interleaved(commands, runs)

    # 2-3. Every rule of the built-in pack, history included: cold, then warm
    # (the cold run just before it in each round filled the cache).
    say(f"{label}: check cold / git log / check warm ...")
    gl(["check", "-q"])()
    figures.update(interleaved({
        "cold": gl(["check", "-q"], cold=True),
        "git log": lambda: measure(GIT_LOG, repo),
        "warm": gl(["check", "-q"]),
    }, runs))

    # 4-5. Pre-commit (one staged change, in a throwaway clone) and the
    # evidence pack, both warm.
    say(f"{label}: --staged / audit ...")
    clone = work / f"clone-{label}"
    sh(["git", "clone", "-q", repo, clone])
    target = next(clone.glob("objectives/**/*.yaml"))
    target.write_text(target.read_text().replace("status: on-track", "status: at-risk", 1)
                      + "\n")
    sh(["git", "add", target], cwd=clone)
    staged = gl(["check", "--staged", "-q"], cwd=clone)
    audit = gl(["audit"])
    staged()
    audit()
    figures.update(interleaved({"staged": staged, "audit": audit}, runs))
    shutil.rmtree(clone, ignore_errors=True)
    clear()
    return figures, facts


def bench_real(repo, govlint, runs, work):
    cache = work / "cache-real"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("GOVLINT_NO_CACHE", None)
    today = datetime.date.today().isoformat()

    def cold():
        shutil.rmtree(cache, ignore_errors=True)
        return measure([govlint, "check", "-q", "--today", today], repo / REAL_ISMS, env,
                       ok=(0, 1))

    say("real history: check cold / git log ...")
    figures = interleaved({"cold": cold, "git log": lambda: measure(GIT_LOG, repo)}, runs)
    shutil.rmtree(cache, ignore_errors=True)
    git_dir = Path(out(["git", "rev-parse", "--absolute-git-dir"], cwd=repo))
    objects = [git_dir / "objects"]
    alternates = git_dir / "objects" / "info" / "alternates"
    if alternates.exists():
        objects += [Path(p) for p in alternates.read_text().split()]
    facts = {
        "commits": int(out(["git", "rev-list", "--count", "HEAD"], cwd=repo)),
        "merges": int(out(["git", "rev-list", "--merges", "--count", "HEAD"], cwd=repo)),
        "files": sum(1 for p in (repo / REAL_ISMS).rglob("*") if p.is_file()),
        "commit_graph": any((o / "info" / "commit-graph").exists()
                            or (o / "info" / "commit-graphs").exists() for o in objects),
    }
    return figures, facts


# ----------------------------------------------------------------- the table

def t(secs):
    return f"{secs * 1000:.0f} ms" if secs < 1 else f"{secs:.2f} s"


def m(mib):
    return f"{mib:.0f} MiB"


class Table:
    def __init__(self, release):
        self.rows = []
        self.release = release  # a debug build's times meet or miss nothing

    def add(self, size, figure, govlint, peer="—", ratio=None, target="—", met=None):
        if ratio is not None and not isinstance(ratio, str):
            ratio = f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"
        if met is None or not self.release:
            met = "—"
        self.rows.append([size, figure, govlint, peer, ratio or "—", target,
                          met if met == "—" else ("yes" if met else "**no**")])

    def markdown(self):
        head = ["size", "figure", "govlint", "peer", "ratio", "target", "met"]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def fill_size(table, label, figures, peers):
    at10k, at50k = label == "10k", label == "50k"
    g = figures["schema"][0]
    for key, name, why, goal in (("cj", "check-jsonschema", peers.cj_why, 100),
                                 ("ajv", "ajv-cli + ajv-formats", peers.ajv_why, 25)):
        figure = f"schema-only check: speed-up over {name}"
        if key in figures:
            p = figures[key][0]
            table.add(label, figure, t(g), f"{name} {t(p)}", p / g, f"≥ {goal}×", p / g >= goal)
        else:
            table.add(label, figure, t(g), f"{name}: not measured ({why})",
                      target=f"≥ {goal}×")
    cold, log = figures["cold"], figures["git log"]
    table.add(label, "cold check ÷ `git log --name-only` (time)", t(cold[0]),
              f"git log {t(log[0])}", cold[0] / log[0], "≤ 0.8×", cold[0] / log[0] <= 0.8)
    limit = 300 if at10k else 1024 if at50k else None
    for key, name, goal_ms in (("cold", "cold check", None), ("warm", "warm check", 150),
                               ("staged", "`check --staged`, one change, warm", 100),
                               ("audit", "`audit`, warm", None)):
        secs, mib = figures[key]
        if key != "cold":
            hit = secs * 1000 < goal_ms if (goal_ms and at10k) else None
            table.add(label, f"{name} (time)", t(secs),
                      target=f"< {goal_ms} ms" if goal_ms and at10k else "—", met=hit)
        peer = f"git log {m(log[1])}" if key == "cold" else "—"
        ratio = mib / log[1] if key == "cold" else None
        table.add(label, f"{name} (peak memory)", m(mib), peer, ratio,
                  f"< {m(limit)}" if limit else "—", mib < limit if limit else None)


def fill_growth(table, results):
    labels = [s for s in SIZES if s in results]
    for a, b in zip(labels, labels[1:]):
        fa, fb = results[a][0], results[b][0]
        times = SIZES[b][0] / SIZES[a][0]
        cap = times * 1.1  # linear, with the slack of SPEC's 5.5× for 5×
        for key, name in (("cold", "cold check"), ("warm", "warm check"),
                          ("staged", "`check --staged`"), ("audit", "`audit`")):
            ga = fb[key][0] / fa[key][0]
            peer = "—"
            if key == "cold":
                peer = f"git log {fb['git log'][0] / fa['git log'][0]:.2f}×"
            table.add(f"{a}→{b}", f"growth of {name} time ({times:.0f}× the records)",
                      f"{t(fa[key][0])} → {t(fb[key][0])}", peer, ga, f"≤ {cap:.1f}×",
                      ga <= cap)
        pa = max(fa[k][1] for k in ("cold", "warm", "staged", "audit"))
        pb = max(fb[k][1] for k in ("cold", "warm", "staged", "audit"))
        table.add(f"{a}→{b}", f"growth of peak memory ({times:.0f}× the records)",
                  f"{m(pa)} → {m(pb)}", "—", pb / pa, f"≤ {cap:.1f}×", pb / pa <= cap)


def fill_real(table, figures, facts):
    label = "git/git"
    cold, log = figures["cold"], figures["git log"]
    table.add(label, "cold check ÷ `git log --name-only` (time)", t(cold[0]),
              f"git log {t(log[0])}", cold[0] / log[0], "≤ 1.0×", cold[0] / log[0] <= 1.0)
    table.add(label, "cold check ÷ `git log --name-only` (peak memory)", m(cold[1]),
              f"git log {m(log[1])}", cold[1] / log[1], "≤ 1.0×", cold[1] <= log[1])


def notes(args, govlint, results, real, peers):
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    shown = govlint.relative_to(HERE) if govlint.is_relative_to(HERE) else govlint
    lines = [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"load average {args.load:.1f} at the start; {args.runs} run(s) per figure, "
        f"median time, highest peak memory (ru_maxrss of the child), commands interleaved. "
        f"Finished {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        f"- govlint: {version_of([govlint, '--version'])} ({shown})"
        + ("" if args.release else " — **not a release build: times are not meaningful**") + "; "
        f"{version_of(['git', '--version'])}; check-jsonschema "
        f"{version_of([peers.cj, '--version']).split()[-1] if peers.cj else 'not measured'}; "
        f"ajv-cli {npm_version('ajv-cli') if peers.ajv else 'not measured'}, ajv "
        f"{npm_version('ajv') if peers.ajv else '—'}, ajv-formats "
        f"{npm_version('ajv-formats') if peers.ajv else '—'}; node "
        f"{version_of(['node', '--version']) if shutil.which('node') else 'not found'}.",
        f"- Repositories: `gen-repo.py --seed {SEED}` "
        + ", ".join(f"{s} = {SIZES[s][0]:,} records / {SIZES[s][1]:,} commits" for s in results)
        + (" plus the rest of the ISMS (--isms)" if args.isms else "")
        + f"; checks run with `--today {TODAY}` and `-q`.",
        "- Cold: govlint's whole cache folder is emptied before the run (govlint runs with a "
        "private `XDG_CACHE_HOME` under target/bench-work/). Warm: the same run again. "
        "`--staged`: one objective's status changed and staged in a clone. `audit`: the "
        "Markdown evidence pack to /dev/null.",
        f"- Peer for history: `{' '.join(GIT_LOG)}` over the same repository (output to "
        "/dev/null, like govlint's).",
    ]
    for label, (_, facts) in results.items():
        lines.append(
            f"- Schema-only check at {label}: govlint with `packs: []` and "
            f"`include: [\"**/*.yaml\"]` "
            f"(no history, cache emptied) reads {facts['yaml']:,} YAML records of "
            f"{facts['kinds']} kinds; check-jsonschema and ajv-cli get the same files (same "
            f"list as `govlint log` under that config: {facts['same_files']}), one call per kind "
            "with that kind's schema, run from a copy of the schema folder govlint embeds "
            "(schemas/*.schema.json) so `common.schema.json` refs resolve. The "
            f"{facts['md']:,} Markdown records (Policy front matter) are left out on both sides: "
            "neither peer reads front matter."
            + (f" So are {facts['multi']} YAML file(s) of several documents (neither peer "
               "reads one as several records)." if facts["multi"] else ""))
    lines.append(
        "- check-jsonschema: `--base-uri file://…/<Kind>.schema.json --schemafile "
        "<Kind>.schema.json FILES…`. ajv-cli: `validate --spec=draft2020 --allow-union-types "
        "-c benches/ajv-yaml12.js -s <Kind>.schema.json -r common.schema.json -d FILE…`; the "
        "`-c` module adds ajv-formats and makes ajv-cli's js-yaml read YAML 1.2 (core schema) "
        "as govlint does (by default it turns `due: 2026-03-31` into a Date, failing "
        "`type: string`). Each peer must first accept one of the records and reject an "
        "invalid one. "
        f"File lists longer than {ARG_BYTES // 1000:,} kB of arguments are split over "
        "several calls."
        + "".join(f" **{n} reported invalid files** (exit 1): its figure still covers "
                  "every file."
                  for k, n in (("cj", "check-jsonschema"), ("ajv", "ajv-cli"))
                  if k in peers.rejected))
    if real:
        facts = real[1]
        lines.append(
            f"- git/git: {args.real} cloned with `git clone --shared`, the example ISMS "
            f"(`govlint init --example`, {facts['files']} files, without its .git) committed at "
            f"its tip in `{REAL_ISMS}/`, and `govlint check` run there: "
            f"{facts['commits']:,} commits, {facts['merges']:,} merges; commit-graph: "
            f"{'yes' if facts['commit_graph'] else 'no'}; `--today` is the day of the run.")
    lines.append("- Ratios are measured side by side in one run; absolute times on a shared "
                 "machine move with its load. Nothing asserts a time.")
    return "\n".join(lines)


# ----------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1k,10k,50k", help="of 1k, 10k, 50k (default: all)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="the CI version: --sizes 1k --runs 1")
    ap.add_argument("--real", metavar="GIT_CLONE", help="also measure a clone of git/git")
    ap.add_argument("--isms", action="store_true",
                    help="add the rest of the ISMS (tables included) to the repositories")
    ap.add_argument("--skip-peers", action="store_true",
                    help="do not install or run check-jsonschema and ajv-cli")
    ap.add_argument("--govlint", metavar="BIN",
                    help="use this binary instead of building target/release/govlint")
    ap.add_argument("--out", default=str(TARGET / "bench.md"))
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.runs = "1k", 1
    args.load = os.getloadavg()[0]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or args.runs < 1:
        ap.error(f"unknown size {unknown[0]}" if unknown else "--runs must be at least 1")
    sizes = [s for s in SIZES if s in sizes]  # in order, for the growth rows
    if args.govlint:
        govlint = Path(args.govlint).resolve()
        args.release = "release" in govlint.parts
    else:
        say("building govlint (release) ...")
        sh(["cargo", "build", "--release", "--quiet"], cwd=HERE, quiet=False)
        govlint, args.release = TARGET / "release" / "govlint", True

    (TARGET / "bench-work").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=TARGET / "bench-work"))
    try:
        peers = Peers(work, args.skip_peers)
        results = {}
        for label in sizes:
            repo = bench_repo(*SIZES[label], args.isms, govlint)
            results[label] = bench_size(label, repo, govlint, peers, args.runs, work)
        real = None
        if args.real:
            real = bench_real(real_repo(args.real, govlint), govlint, args.runs, work)
    except Failed as e:
        raise SystemExit(f"bench.py: {e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = Table(args.release)
    for label, (figures, _) in results.items():
        fill_size(table, label, figures, peers)
    fill_growth(table, results)
    if real:
        fill_real(table, *real)
    report = ("# govlint benchmark (SPEC 7)\n\n" + table.markdown() + "\n\n"
              + notes(args, govlint, results, real, peers) + "\n")
    print(report)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report)
    say(f"written to {args.out}")


if __name__ == "__main__":
    main()
