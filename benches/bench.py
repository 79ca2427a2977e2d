#!/usr/bin/env python3
"""govlint's benchmark against the targets of SPEC section 7.

    python3 benches/bench.py [--runs 5] [--repo DIR] [--skip-peers] [--isms]

Makes the reference repository (10,000 records, 20,000 commits) with
../shared/bench/gen-repo.py if it is missing, builds govlint in release mode,
installs check-jsonschema into a private virtualenv, then times (median of
RUNS, interleaved so machine load hits every command alike):

  1. `govlint check` without history rules   vs  check-jsonschema validating
     the same YAML files against the same schemas (one call per kind);
  2. `govlint check` with every history rule, cold (no cache)  vs
     `git log --name-only` over the same history;
  3. the same, warm (history cache filled);
  4. `govlint check --staged` with one staged change;
and reports peak memory. Figures are printed side by side as ratios, since
the machines are shared and noisy. Needs python3, git and cargo.

With --isms the repository also holds the rest of the ISMS (SPEC 1.3) in one
more commit: the example's scope, risk method, audits, nonconformities,
competences and measurements, its Statement of Applicability table (93
rows), and a risk register table of 1,000 rows.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent / "shared"
KINDS = ["Person", "Role", "Objective", "ResourceAllocation", "ManagementReview",
         "Communication", "Improvement", "ResponsibilityMatrix", "Waiver"]
# (check-jsonschema reads one document per file and no CSV, so the --isms
# additions are validated by govlint only: the peer figure stays like for like.)
ISMS_DIRS = ["audits", "competences", "context", "measurements", "nonconformities",
             "registers", "risk", "soa"]
RISK_ROWS = 1000


def add_isms(repo, govlint):
    """Adds the rest of the ISMS (once) as one commit: see --isms."""
    if (repo / "soa").exists():
        return
    example = Path(tempfile.mkdtemp(prefix="govlint-example-")) / "ex"
    subprocess.run([govlint, "init", "--example", str(example)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for d in ISMS_DIRS:
        shutil.copytree(example / d, repo / d)
    # The example's ten risks, repeated under new ids up to RISK_ROWS rows.
    register = repo / "registers" / "risks.csv"
    header, *rows = register.read_text().splitlines()
    out = [header]
    for i in range(RISK_ROWS):
        cells = rows[i % len(rows)].split(",", 1)
        out.append(f"R-{i + 1:05d},{cells[1]}")
    register.write_text("\n".join(out) + "\n")
    config = repo / "govlint.yaml"
    config.write_text(config.read_text().replace(
        "records:\n",
        "records:\n  tables:\n    - { files: \"registers/risks.csv\", kind: Risk }\n"
        "    - { files: \"soa/*.csv\", kind: Control }\n", 1))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
                    "commit", "-q", "-m", "Add the rest of the ISMS"], cwd=repo, check=True)


def run(cmd, cwd, env=None, check=False):
    """Runs cmd; returns (seconds, exit code)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if check and proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr.decode()}")
    return took, proc.returncode


# A fresh interpreter whose only child is the command: its RUSAGE_CHILDREN
# peak is that command's alone (ours would include every earlier child).
PEAK = ("import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_mib(cmd, cwd, env=None):
    """Peak resident memory of one run of cmd, in MiB."""
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def median_times(commands, runs):
    """commands: name -> callable returning seconds. Interleaved runs."""
    times = {name: [] for name in commands}
    for _ in range(runs):
        for name, fn in commands.items():
            times[name].append(fn())
    return {name: statistics.median(t) for name, t in times.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repo", default=os.environ.get("BENCH_REPO", "/tmp/govlint-bench-repo"))
    ap.add_argument("--skip-peers", action="store_true", help="skip check-jsonschema")
    ap.add_argument("--isms", action="store_true",
                    help="add the rest of the ISMS (tables included) to the repository")
    args = ap.parse_args()
    repo = Path(args.repo)
    if not (repo / ".git").exists():
        print(f"making {repo} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(SHARED / "bench" / "gen-repo.py"), str(repo),
                        "--records", "10000", "--commits", "20000"], check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    govlint = str(HERE / "target" / "release" / "govlint")
    if args.isms:
        add_isms(repo, govlint)
    work = Path(tempfile.mkdtemp(prefix="govlint-bench-"))
    cache = work / "cache"
    env_cold = dict(os.environ, GOVLINT_NO_CACHE="1", XDG_CACHE_HOME=str(cache))
    env_warm = dict(os.environ, XDG_CACHE_HOME=str(cache))
    today = ["--today", "2026-11-15"]

    # 1. Schemas only: no packs (no history rules), YAML records only, so both
    # tools read exactly the same files.
    schema_only = work / "schema-only.yaml"
    schema_only.write_text('version: 1\nrecords:\n  include: ["**/*.yaml"]\npacks: []\n')
    yaml_files = {k: [] for k in KINDS}
    for path in repo.rglob("*.yaml"):
        if ".git" in path.parts or path.name == "govlint.yaml":
            continue
        for line in path.read_text().splitlines():
            if line.startswith("kind: "):
                kind = line.split(":", 1)[1].strip()
                if kind in yaml_files:
                    yaml_files[kind].append(str(path))
                break
    n_yaml = sum(len(v) for v in yaml_files.values())

    commands = {
        "govlint check (schemas, no history)": lambda: run(
            [govlint, "check", "-q", "--config", str(schema_only)] + today, repo, env_cold)[0],
    }
    if not args.skip_peers:
        venv = HERE / "target" / "bench-venv"
        cj = venv / "bin" / "check-jsonschema"
        if not cj.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "check-jsonschema"], check=True)

        def check_jsonschema():
            total = 0.0
            for kind, files in yaml_files.items():
                if files:
                    # Run from schemas/ so relative $refs (common.schema.json) resolve.
                    # The schemas' absolute $id would send relative $refs to the
                    # network: a file base URI keeps them local.
                    schema = HERE / "schemas" / f"{kind}.schema.json"
                    total += run([str(cj), "--base-uri", schema.as_uri(),
                                  "--schemafile", str(schema), *files],
                                 HERE / "schemas", check=True)[0]
            return total
        commands["check-jsonschema (same files, same schemas)"] = check_jsonschema
    t1 = median_times(commands, args.runs)

    # 2-3. Every rule of the built-in pack, history included.
    def cold():
        return run([govlint, "check", "-q"] + today, repo, env_cold)[0]

    def warm():
        return run([govlint, "check", "-q"] + today, repo, env_warm)[0]

    def git_log():
        return run(["git", "log", "--name-only", "--format=%H"], repo)[0]

    warm()  # fill the cache
    t2 = median_times({"govlint check (all rules, cold)": cold,
                       "git log --name-only": git_log,
                       "govlint check (all rules, warm)": warm}, args.runs)

    # 4. Pre-commit: one staged change, in a throwaway clone.
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(repo), str(clone)], check=True)
    target = next(clone.glob("objectives/**/*.yaml"))
    target.write_text(target.read_text().replace("status: on-track", "status: at-risk", 1) + "\n")
    subprocess.run(["git", "add", str(target)], cwd=clone, check=True)
    run([govlint, "check", "--staged", "-q"] + today, clone, env_warm)  # warm its cache
    t4 = median_times({"govlint check --staged (one change, warm)": lambda: run(
        [govlint, "check", "--staged", "-q"] + today, clone, env_warm)[0]}, args.runs)

    peak_cold = peak_mib([govlint, "check", "-q"] + today, repo, env_cold)
    shutil.rmtree(work, ignore_errors=True)

    print(f"\nrepository: {repo} (10,000 records, 20,000 commits; {n_yaml} YAML records), "
          f"median of {args.runs} runs, {os.cpu_count()} cores\n")
    print(f"| {'command':<48} | {'seconds':>8} |")
    print(f"|{'-' * 50}|{'-' * 10}|")
    for table in (t1, t2, t4):
        for name, secs in table.items():
            print(f"| {name:<48} | {secs:8.3f} |")
    g = t1["govlint check (schemas, no history)"]
    print()
    if "check-jsonschema (same files, same schemas)" in t1:
        ratio = t1["check-jsonschema (same files, same schemas)"] / g
        print(f"schemas only: govlint is {ratio:.0f}x faster than check-jsonschema (SPEC 7 target: >= 100x; "
              f"{g:.3f} s, target < 0.4 s)")
    cold_s, log_s = t2["govlint check (all rules, cold)"], t2["git log --name-only"]
    print(f"all rules, cold: {cold_s / log_s:.2f}x the time of git log --name-only (SPEC 7 target: <= 0.8x)")
    print(f"all rules, warm: {t2['govlint check (all rules, warm)']:.3f} s (SPEC 7 target: < 0.15 s)")
    print(f"--staged, one change: {t4['govlint check --staged (one change, warm)'] * 1000:.0f} ms (SPEC 7 target: < 100 ms)")
    print(f"peak memory, all rules cold: {peak_cold:.0f} MiB (SPEC 7 target: < 300 MiB)")


if __name__ == "__main__":
    main()
