#!/usr/bin/env python3
"""Measures govlint's noise and dates on a repository: counts of
`history/unknown-approver` warnings and `record/*` findings from
`govlint check`, and whether every date `govlint log` and the
`govlint audit` trail print equals the commit's date as
`git log --format=%cs` shows it.

Usage: scripts/measure-repo.py [--govlint PATH] REPO
No network; reads only REPO (any git repository holding govlint records,
e.g. one made by `govlint init --example`, or a clone of a large code
project with an ISMS folder committed at its tip). Tag events are not
compared (their date is the tagger's). Exits 1 when a date disagrees.
"""
import argparse
import collections
import json
import re
import subprocess
import sys


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--govlint", default="govlint")
    ap.add_argument("repo")
    a = ap.parse_args()
    check = run([a.govlint, "check", "--format", "json"], a.repo)
    report = json.loads(check.stdout)
    counts = collections.Counter(d["rule"] for d in report["diagnostics"])
    print(f"history/unknown-approver warnings: {counts['history/unknown-approver']}")
    records = {r: n for r, n in counts.items() if r.startswith("record/")}
    print(f"record/* findings: {sum(records.values())} {dict(records)}")
    for d in report["diagnostics"]:
        if d["rule"].startswith("record/"):
            print(f"  {d['rule']}: {d['file']}")
    print(f"other history/* findings: "
          f"{ {r: n for r, n in counts.items() if r.startswith('history/') and r != 'history/unknown-approver'} }")

    cs = {}
    for line in run(["git", "log", "--all", "--format=%H %cs"], a.repo).stdout.split("\n"):
        if line:
            h, d = line.split()
            cs[h] = d
    ids = set()
    files = run(["git", "ls-files", "*.yaml", "*.yml", "*.md"], a.repo).stdout.split("\n")
    for f in files:
        if not f:
            continue
        try:
            text = open(f"{a.repo}/{f}", encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        if re.search(r"^kind:", text, re.M):
            m = re.search(r"^id:\s*\"?([^\s\"]+)", text, re.M)
            if m:
                ids.add(m.group(1))
    total = agree = 0
    for rid in sorted(ids):
        out = run([a.govlint, "log", rid, "--format", "json"], a.repo)
        if out.returncode != 0:
            continue
        log = json.loads(out.stdout)
        for entry in log.get("changes", []) + [e for e in log.get("events", []) if not e.get("tag")]:
            total += 1
            want = cs.get(entry["commit"])
            if want == entry["date"]:
                agree += 1
            else:
                print(f"  {rid}: {entry['commit'][:10]} govlint {entry['date']} git %cs {want}")
    print(f"log dates equal to git log --format=%cs: {agree}/{total} over {len(ids)} records")

    audit = run([a.govlint, "audit", "--format", "json"], a.repo)
    trail = json.loads(audit.stdout).get("trail", []) if audit.returncode == 0 else []
    trail = [e for e in trail if not e.get("tag")]
    audit_agree = sum(1 for e in trail if cs.get(e["commit"]) == e["date"])
    print(f"audit trail dates equal to git log --format=%cs: {audit_agree}/{len(trail)}")
    return 0 if agree == total and audit_agree == len(trail) else 1


if __name__ == "__main__":
    sys.exit(main())
