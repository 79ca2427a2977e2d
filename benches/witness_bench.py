#!/usr/bin/env python3
"""The cost of witnesses (SPEC 2.4) on the reference repository.

    python3 benches/witness_bench.py [--runs 3] [--dir /tmp/wbench] [--every 50]

Makes two copies of the reference repository with
../shared/bench/gen-repo.py (10,000 records, 20,000 commits, seed 7), the
same history twice:

  plain      exactly as gen-repo.py makes it;
  witnessed  the same records and commits, but the first commit also holds
             `.govlint/allowed_signers` (listing an ssh-keygen key for the
             principal ci-witness@acme.example) and `govlint.yaml` sets
             `trust.witnesses: [ci-witness@acme.example]`; then a witness tag
             `govlint/witness/N` is made with `git tag -s` (gpg.format=ssh)
             on every EVERY-th commit, tagged an hour after that commit.

Then it times, interleaved and cold (the history cache folder emptied before
each govlint run, as bench.py does), a release `govlint check --today
2026-12-01 --format json` against `git log --name-only --format=%H` in each
copy, and prints the medians and ratios. Needs python3, git, ssh-keygen and
cargo.
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
GEN = HERE.parent / "shared" / "bench" / "gen-repo.py"
PRINCIPAL = "ci-witness@acme.example"


def gen_args(out):
    return [str(out), "--records", "10000", "--commits", "20000", "--seed", "7"]


def make_plain(out):
    subprocess.run([sys.executable, str(GEN), *gen_args(out)], check=True,
                   stdout=subprocess.DEVNULL)


def make_witnessed(out, key_dir, every):
    """gen-repo.py's history, with the allowed-signers file and the witness
    setting in its first commit (its `data` helper is wrapped so that the
    first commit's govlint.yaml is followed by one more file), then the
    witness tags."""
    key = key_dir / "ci"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f", str(key)],
                   check=True)
    public = (key_dir / "ci.pub").read_text().split()
    signers = f"{PRINCIPAL} {public[0]} {public[1]}\n".encode()
    spec = importlib.util.spec_from_file_location("gen_repo", GEN)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    config = gen.CONFIG + f"trust:\n  witnesses: [{PRINCIPAL}]\n".encode()
    original_data, original_config = gen.data, gen.CONFIG

    def data(payload):
        out = original_data(config if payload is original_config else payload)
        if payload is original_config:
            out += b"M 100644 inline .govlint/allowed_signers\n" + original_data(signers)
        return out

    gen.data = data
    sys.argv = ["gen-repo.py", *gen_args(out)]
    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        gen.main()
    finally:
        sys.stdout.close()
        sys.stdout = saved
    commits = subprocess.run(["git", "-C", str(out), "log", "--reverse", "--format=%H %ct"],
                             check=True, capture_output=True, text=True).stdout.split("\n")
    commits = [c.split() for c in commits if c]
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_COMMITTER_NAME="CI", GIT_COMMITTER_EMAIL="ci@acme.example")
    tags = 0
    for i in range(every - 1, len(commits), every):
        sha, when = commits[i]
        env["GIT_COMMITTER_DATE"] = f"@{int(when) + 3600} +0000"
        tags += 1
        subprocess.run(["git", "-C", str(out), "-c", "gpg.format=ssh",
                        "-c", f"user.signingkey={key}", "tag", "-s", "-m",
                        f"govlint witness of {sha}", f"govlint/witness/{tags}", sha],
                       check=True, env=env)
    return tags


def timed(cmd, env=None, before=None):
    if before:
        before()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/wbench")
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--no-build", action="store_true", help="use target/release/govlint as it is")
    args = ap.parse_args()
    base = Path(args.dir)
    plain, witnessed = base / "plain", base / "witnessed"
    if not (plain / ".git").exists():
        print(f"making {plain} ...", file=sys.stderr)
        plain.parent.mkdir(parents=True, exist_ok=True)
        make_plain(plain)
    if not (witnessed / ".git").exists():
        print(f"making {witnessed} ...", file=sys.stderr)
        keys = base / "keys"
        shutil.rmtree(keys, ignore_errors=True)
        keys.mkdir(parents=True)
        print(f"{make_witnessed(witnessed, keys, args.every)} witness tags", file=sys.stderr)
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    govlint = str(HERE / "target" / "release" / "govlint")
    cache = Path(tempfile.mkdtemp(prefix="govlint-wbench-"))
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("GOVLINT_NO_CACHE", None)

    def clear():
        shutil.rmtree(cache / "govlint", ignore_errors=True)

    commands = {}
    for name, repo in (("plain", plain), ("witnessed", witnessed)):
        commands[f"govlint check, cold ({name})"] = (
            [govlint, "-C", str(repo), "check", "--today", "2026-12-01", "--format", "json"],
            env, clear)
        commands[f"git log --name-only ({name})"] = (
            ["git", "-C", str(repo), "log", "--name-only", "--format=%H"], None, None)
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (cmd, e, before) in commands.items():
            times[name].append(timed(cmd, e, before))
    shutil.rmtree(cache, ignore_errors=True)
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"\nmedian of {args.runs} cold runs, {os.cpu_count()} cores; "
          f"a witness every {args.every} commits\n")
    print(f"| {'command':<40} | {'seconds':>8} |")
    print(f"|{'-' * 42}|{'-' * 10}|")
    for name, secs in med.items():
        print(f"| {name:<40} | {secs:8.3f} |")
    print()
    for name in ("plain", "witnessed"):
        ratio = med[f"govlint check, cold ({name})"] / med[f"git log --name-only ({name})"]
        print(f"{name}: govlint check cold = {ratio:.2f}x git log --name-only (target: <= 0.8x)")
    extra = med["govlint check, cold (witnessed)"] - med["govlint check, cold (plain)"]
    print(f"witnesses cost {extra * 1000:+.0f} ms on a cold check")


if __name__ == "__main__":
    main()
