#!/usr/bin/env python3
"""Builds a hostile corpus outside the project's tree and runs govlint on it.

Usage: GOVLINT=target/debug/govlint python3 scripts/hostile-corpus.py [--keep]
       [--tiny-files N]

Every case is a repository (or folder) made in a temporary directory with the
real `git`, and one govlint command run on it with a timeout. For each run the
script measures the child's peak resident memory (os.wait4's rusage) and
checks, as SPEC 4 and 6 say:

- the exit code is the expected one of 0, 1 or 2 (never a signal);
- no "panicked" on stderr, and the run ends before the timeout;
- peak memory stays under 300 MiB;
- every bad file of the case is named in the output (stdout or stderr).

It prints one line per case (exit code, seconds, peak MiB, and the
diagnostic each bad file got) and exits 1 if any check failed. Cases are
independent: one failure does not hide the others.
"""

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT_S = 120
PEAK_LIMIT_MIB = 300
TODAY = "2026-11-15"

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@acme.example",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@acme.example",
    "GIT_AUTHOR_DATE": "2025-06-02T10:00:00Z",
    "GIT_COMMITTER_DATE": "2025-06-02T10:00:00Z",
    "LC_ALL": "C",
}

RULES = """rules:
  - id: acme/policy-approved
    severity: error
    message: "Policy {{id}} is not approved"
    for: { kind: Policy }
    check:
      - approved: { by: { field: /approver }, within: P12M, strength: claimed }
  - id: acme/role-name-shape
    severity: warning
    message: "Role {{id}} has an odd name"
    for: { kind: Role }
    check:
      - field: /name
        pattern: "^(a+)+$|^[A-Z]"
"""

POLICY = """---
kind: Policy
id: POL-1
title: Information security policy
version: "1.0"
owner: top-management
approver: top-management
review_interval: P12M
status: approved
---
# Information security policy

Acme protects its information.
"""


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    e.update(GIT_ENV)
    e.update(extra)
    return e


def git(cwd, *args, stdin=None, **extra):
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env(**extra),
        input=stdin,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def git_out(cwd, *args, stdin=None):
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env(), input=stdin, check=True, capture_output=True
    ).stdout.decode("utf-8", "replace").strip()


def write(root, rel, content):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as f:
        f.write(content)


def isms(root, config="version: 1\npacks: []\n"):
    """The good ISMS every case starts from; its policy is never approved."""
    write(root, "govlint.yaml", config)
    write(root, "rules/acme.yaml", RULES)
    write(root, "roles/top-management.yaml",
          "kind: Role\nid: top-management\nname: Top management\ntop_management: true\n")
    write(root, "people/jane.yaml",
          "kind: Person\nid: jane\nname: Jane Doe\nemail: jane@acme.example\nroles: [top-management]\n")
    write(root, "policies/security.md", POLICY)


def new_repo(base, name, commit=True, config="version: 1\npacks: []\n"):
    root = os.path.join(base, name)
    os.makedirs(root)
    git(root, "init", "-q", "-b", "main")
    isms(root, config)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Set up the ISMS")
    return root


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------


def bad_files(base):
    """One repository holding every kind of bad file at once."""
    root = new_repo(base, "bad-files")
    bomb = "kind: Role\nid: bomb\na: &a [x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
        prev = name
    files = {
        "bad/bomb.yaml": bomb,
        "bad/deep-block.yaml": "- " * 10_000 + "x\n",
        "bad/deep-flow.yaml": "[" * 10_000,
        "bad/deep-flow-map.yaml": "{a: " * 10_000,
        "bad/deep-map.yaml": "".join(f"{'  ' * i}k{i}:\n" for i in range(400)),
        "bad/latin1.yaml": b"kind: Person\nid: p\nname: Jos\xe9\n",
        "bad/overlong-utf8.yaml": b"kind: Role\nid: o\nname: \xc0\xaf\n",
        "bad/nul.yaml": b"kind: Role\nid: n\nname: \"a\x00b\"\n",
        "bad/binary.yaml": bytes(range(256)) * 64,
        "bad/dupkey.yaml": "kind: Role\nid: dk\nname: A\nname: B\n",
        "bad/dupkey-json.yaml": "kind: Role\nid: dj\n1: a\n\"1\": b\n",
        "bad/tab.yaml": "kind: Role\nid: t\n\tname: x\n",
        "bad/int-id.yaml": "kind: Role\nid: 12\nname: x\n",
        "bad/bool-id.yaml": "kind: Role\nid: yes-but-true\nname: x\n---\nkind: Role\nid: true\nname: x\n",
        "bad/float-id.yaml": "kind: Role\nid: 1.5e3\nname: x\n",
        "bad/map-id.yaml": "kind: Role\nid: {a: 1}\nname: x\n",
        "bad/python-tag.yaml": "kind: Role\nid: py\nname: !!python/object/apply:os.system [\"touch /tmp/govlint-pwned\"]\n",
        "bad/ruby-tag.yaml": "kind: Role\nid: rb\nname: !ruby/object:Gem::Installer\n  i: x\n",
        "bad/bom-crlf.yaml": "\ufeffkind: Role\r\nid: bc\r\nname: [unclosed\r\n",
        "bad/unclosed.md": "---\nkind: Policy\nid: P-2\n",
        "bad/no-kind.yaml": "id: nk\nname: x\n",
        "bad/unknown-kind.yaml": "kind: Spaceship\nid: sk\n",
        "bad/lowercase-kind.yaml": "kind: role\nid: lk\n",
        "bad/bad-id.yaml": "kind: Role\nid: \"-starts-with-dash\"\nname: x\n",
        "bad/dup-id.yaml": "kind: Role\nid: top-management\nname: Again\n",
        "bad/scalar-doc.yaml": "just a string\n",
        "bad/many-docs.yaml": "---\nkind: Role\nid: d\nname: x\n" + "---\n" * 20_000,
        "bad/long-name.yaml": "kind: Role\nid: long\nname: " + "a" * 200_000 + "b\n",
        "bad/anchor-other-doc.yaml": "a: &x 1\n---\nkind: Role\nid: ao\nname: *x\n",
        "bad/recursive-alias.yaml": "kind: Role\nid: ra\nname: &a [*a]\n",
        "bad/wrong-tag.yaml": "kind: Role\nid: wt\nname: !!int abc\n",
        "bad/control-char.yaml": "kind: Role\nid: cc\nname: ding\x07\n",
        "bad/empty-key.yaml": "kind: Role\nid: ek\n? \n: x\nname: y\n",
        "bad/dense-flow.yaml": "kind: Role\nid: dense\nresponsibilities: [" + "1," * 500_000 + "1]\n",
    }
    for rel, content in files.items():
        write(root, rel, content)
    # A 50 MB single line and a sparse 100 MiB file: refused by size.
    write(root, "bad/one-line.yaml", "kind: Role\nid: ol\nname: \"" + "x" * 50_000_000 + "\"\n")
    with open(os.path.join(root, "bad/huge.yaml"), "wb") as f:
        f.truncate(100 * 1024 * 1024)
    # Symbolic links that leave the repository: named, never followed.
    outside = os.path.join(base, "outside")
    os.makedirs(outside, exist_ok=True)
    write(outside, "secret.yaml", "kind: Role\nid: secret-outside\nname: Outside\n")
    os.symlink("/etc/passwd", os.path.join(root, "bad/passwd-link.yaml"))
    os.symlink(os.path.join(outside, "secret.yaml"), os.path.join(root, "bad/secret-link.yaml"))
    os.symlink(outside, os.path.join(root, "linked-dir"))
    os.symlink("bad/loop-link.yaml", os.path.join(root, "bad/loop-link.yaml"))
    # Schemas that $ref the network and files outside: refused, never fetched.
    for kind, target in [
        ("Remote", "https://example.com/x.json"),
        ("FileUrl", "file:///etc/passwd"),
        ("Escape", "../../../../../../../../etc/passwd"),
    ]:
        write(root, f"schemas/{kind}.schema.json",
              '{\n  "type": "object",\n  "properties": {"x": {"$ref": "%s"}}\n}\n' % target)
        write(root, f"things/{kind}.yaml", f"kind: {kind}\nid: {kind}-1\nx: 1\n")
    # Tables: a ragged row, a row without an id, a cell over the cell limit,
    # a duplicate header, more rows than the row limit.
    config = ("version: 1\npacks: []\nrecords:\n  tables:\n"
              "    - { files: \"registers/*.csv\", kind: Role }\n")
    write(root, "govlint.yaml", config)
    write(root, "registers/ragged.csv", "id,name\nR-1,One\nR-2,Two,extra\n")
    write(root, "registers/no-id.csv", "id,name\n,Nobody\n")
    write(root, "registers/big-cell.csv", "id,name\nR-3," + "x" * 70_000 + "\n")
    write(root, "registers/dup-header.csv", "id,name,name\nR-4,a,b\n")
    write(root, "registers/bad-quote.csv", "id,name\nR-5,\"unclosed\n")
    write(root, "registers/many-rows.csv",
          "id,name\n" + "".join(f"M{i},n\n" for i in range(10_001)))
    write(root, "registers/latin1.csv", b"id,name\nR-6,caf\xe9\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Bad files")
    named = sorted(
        list(files)
        + ["bad/one-line.yaml", "bad/huge.yaml", "bad/passwd-link.yaml",
           "bad/secret-link.yaml", "bad/loop-link.yaml"]
        + [f"schemas/{k}.schema.json" for k in ("Remote", "FileUrl", "Escape")]
        + ["registers/ragged.csv", "registers/no-id.csv", "registers/big-cell.csv",
           "registers/dup-header.csv", "registers/bad-quote.csv",
           "registers/many-rows.csv", "registers/latin1.csv"]
    )
    cases = []
    for mode in ([], ["--staged"], ["--rev", "HEAD"]):
        cases.append(Case(f"bad-files {' '.join(mode) or 'work tree'}", root,
                          ["check", "--format", "json", *mode], {1}, named,
                          forbidden=["secret-outside", "root:x:0"]))
    cases.append(Case("bad-files human", root, ["check"], {1},
                      ["bad/bomb.yaml", "bad/huge.yaml", "registers/ragged.csv"]))
    cases.append(Case("bad-files sarif", root, ["check", "--format", "sarif"], {1}, ["bad/nul.yaml"]))
    cases.append(Case("bad-files show", root, ["show", "bad/bomb.yaml"], {0, 1, 2}, ["bad/bomb.yaml"]))
    return cases


def tiny_files(base, count):
    """Many tiny files, each a record with a schema error (no `name`)."""
    root = new_repo(base, "tiny-files")
    names = []
    for i in range(count):
        rel = f"roles/r{i // 1000}/t{i}.yaml"
        write(root, rel, f"kind: Role\nid: t-{i}\n")
        names.append(rel)
    return [Case(f"{count} tiny files", root, ["check", "--format", "json"], {1},
                 names, show=3)]


def bad_config(base):
    cases = []
    for name, text, where in [
        ("config-unknown-key", "version: 1\npacks: []\nrecrods: {}\n", "govlint.yaml:3:1"),
        ("config-alias-bomb", "version: 1\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
         "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
         "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
         "govlint.yaml"),
        ("config-binary", "version: 1\x00\x01\x02", "govlint.yaml"),
        ("config-depth-too-high", "version: 1\npacks: []\nlimits:\n  max_depth: 100000\n", "govlint.yaml:4:"),
        ("config-bad-glob", "version: 1\npacks: []\nrecords:\n  include: [\"[\"]\n", "["),
    ]:
        root = new_repo(base, name, config=text)
        cases.append(Case(name, root, ["check"], {2}, [where]))
    root = new_repo(base, "rules-huge-regex")
    write(root, "rules/huge.yaml",
          "rules:\n  - id: acme/huge\n    severity: error\n    message: x\n    for: { kind: Role }\n"
          "    check:\n      - field: /name\n        pattern: \"\\\\w{1000}\\\\w{1000}\\\\w{1000}\"\n")
    cases.append(Case("rules-huge-regex", root, ["check"], {2}, ["rules/huge.yaml:8:"]))
    root = new_repo(base, "rules-invalid-regex")
    write(root, "rules/bad.yaml",
          "rules:\n  - id: acme/bad\n    severity: error\n    message: x\n    for: { kind: Role }\n"
          "    check:\n      - field: /name\n        pattern: \"(unclosed\"\n")
    cases.append(Case("rules-invalid-regex", root, ["check"], {2}, ["rules/bad.yaml:8:"]))
    root = new_repo(base, "rules-bomb")
    write(root, "rules/bomb.yaml", "rules: &r [" + ", ".join(["x"] * 10) + "]\n"
          + "".join(f"k{i}: &k{i} [{', '.join(['*' + ('r' if i == 0 else f'k{i-1}')] * 10)}]\n" for i in range(6)))
    cases.append(Case("rules-bomb", root, ["check"], {2}, ["rules/bomb.yaml"]))
    return cases


def odd_repositories(base):
    cases = []
    # An empty repository: check runs (the policy is never approved).
    root = new_repo(base, "empty-repo", commit=False)
    cases.append(Case("empty-repo check", root, ["check", "--format", "json"], {1},
                      ["policies/security.md"]))
    cases.append(Case("empty-repo check --staged", root, ["check", "--staged"], {0}, []))
    cases.append(Case("empty-repo check --rev HEAD", root, ["check", "--rev", "HEAD"], {2}, ["HEAD"]))
    cases.append(Case("empty-repo log", root, ["log", "POL-1"], {0}, ["never approved"]))
    cases.append(Case("empty-repo audit", root, ["audit"], {0}, ["no commits yet"]))
    # Not a git repository at all.
    plain = os.path.join(base, "not-a-repo")
    os.makedirs(plain)
    isms(plain)
    cases.append(Case("not-a-repo check", plain, ["check", "--format", "json"], {1, 2}, []))
    cases.append(Case("not-a-repo --staged", plain, ["check", "--staged"], {2}, ["not a git repository"]))
    # A detached HEAD.
    root = new_repo(base, "detached")
    git(root, "checkout", "-q", "--detach")
    cases.append(Case("detached HEAD", root, ["check", "--format", "json"], {1}, ["policies/security.md"]))
    cases.append(Case("detached HEAD log", root, ["log", "POL-1"], {0}, ["POL-1"]))
    # A submodule: another repository, not read.
    sub = new_repo(base, "submodule-source")
    write(sub, "broken.yaml", "a: [\n")
    git(sub, "add", "-A")
    git(sub, "commit", "-q", "-m", "broken")
    root = new_repo(base, "with-submodule")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "vendor/sub")
    git(root, "commit", "-q", "-m", "Add a submodule")
    for mode in ([], ["--staged"], ["--rev", "HEAD"]):
        cases.append(Case(f"submodule {' '.join(mode) or 'work tree'}", root,
                          ["check", "--format", "json", *mode], {1}, ["policies/security.md"],
                          forbidden=["vendor/sub"]))
    # A linked worktree with its own HEAD, approved there only.
    root = new_repo(base, "main-of-worktree")
    wt = os.path.join(base, "linked-worktree")
    git(root, "worktree", "add", "-q", "-b", "approval", wt)
    with open(os.path.join(wt, "policies/security.md"), "a") as f:
        f.write("Approved.\n")
    git(wt, "commit", "-qam", "Approve", "--trailer", "Approved-by: Jane Doe <jane@acme.example>",
        GIT_COMMITTER_DATE="2026-10-01T10:00:00Z", GIT_AUTHOR_DATE="2026-10-01T10:00:00Z",
        GIT_COMMITTER_EMAIL="jane@acme.example", GIT_COMMITTER_NAME="Jane Doe")
    cases.append(Case("worktree (approved there)", wt, ["check", "--format", "json"], {0}, []))
    cases.append(Case("worktree's main (not approved)", root, ["check", "--format", "json"], {1},
                      ["policies/security.md"]))
    # A shallow clone with a history rule.
    shallow = os.path.join(base, "shallow")
    git(base, "clone", "-q", "--depth", "1", "file://" + root, shallow)
    cases.append(Case("shallow clone", shallow, ["check"], {2}, ["fetch-depth"]))
    cases.append(Case("shallow clone --allow-shallow", shallow, ["check", "--allow-shallow"], {0, 1}, []))
    # Odd revisions and paths.
    cases.append(Case("unknown revision", root, ["check", "--rev", "no-such-rev"], {2}, ["no-such-rev"]))
    cases.append(Case("missing path", root, ["check", "no/such/path"], {2}, ["no/such/path"]))
    cases.append(Case("unknown record", root, ["log", "NO-SUCH-ID"], {2}, ["NO-SUCH-ID"]))
    cases.append(Case("bad --today", root, ["check", "--today", "2026-02-30"], {2}, ["--today"]))
    return cases


def odd_history(base):
    root = new_repo(base, "odd-history")
    policy = os.path.join(root, "policies/security.md")

    def edit(text):
        with open(policy, "a") as f:
            f.write(text)
        git(root, "add", "-A")

    # Latin-1 with an encoding header, and a Latin-1 trailer name.
    edit("r1\n")
    git(root, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--cleanup=verbatim", "-F", "-",
        stdin=b"Approve (r\xe9vision)\n\nApproved-by: Jos\xe9 Mu\xf1oz <jose@acme.example>\n")
    # Invalid bytes and no encoding header: written by hand (git commit would
    # re-encode them).
    edit("r2\n")
    tree = git_out(root, "write-tree")
    parent = git_out(root, "rev-parse", "HEAD")
    raw = (f"tree {tree}\nparent {parent}\nauthor X <x@acme.example> 1790935200 +0000\n"
           f"committer X <x@acme.example> 1790935200 +0000\n\n").encode()
    raw += b"Approve \xff\xfe\n\nApproved-by: Jos\xe9 \xc3 <jose@acme.example>\n"
    commit = git_out(root, "hash-object", "-w", "-t", "commit", "--literally", "--stdin", stdin=raw)
    git(root, "update-ref", "HEAD", commit)
    # An unknown encoding, a broken header, malformed trailer emails.
    edit("r3\n")
    git(root, "-c", "i18n.commitEncoding=x-no-such-encoding", "commit", "-q", "-F", "-",
        stdin=b"Odd encoding \x81\n\nApproved-by: Jane Doe <jane@@acme.example>\n")
    for trailer in ["Approved-by: Jane Doe jane@acme.example", "Approved-by: <>",
                    "Approved-by: Jane Doe <jane acme.example>", "Reviewed-by: " + "x" * 10_000]:
        edit("e\n")
        git(root, "commit", "-q", "-m", "Approve", "--trailer", trailer)
    # A commit earlier than its parent, and a 1 MB message.
    edit("late\n")
    git(root, "commit", "-q", "-m", "Backdated", GIT_COMMITTER_DATE="2001-01-01T00:00:00Z")
    git(root, "commit", "-q", "--allow-empty", "-F", "-", stdin=("big\n\n" + "y" * 1_000_000 + "\n").encode())
    # A tag named like a witness that is none.
    git(root, "tag", "-a", "govlint/witness/1", "-m", "not a witness\n\nApproved-by: Jane Doe <jane@acme.example>")
    return [
        Case("odd history check", root, ["check", "--format", "json"], {1}, ["policies/security.md"]),
        Case("odd history log", root, ["log", "POL-1", "--format", "json"], {0}, ["POL-1"]),
        Case("odd history audit", root, ["audit", "--format", "json"], {0}, ["POL-1"]),
    ]


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


class Case:
    def __init__(self, name, cwd, args, codes, named, forbidden=(), show=None):
        self.name, self.cwd, self.args = name, cwd, args
        self.codes, self.named, self.forbidden, self.show = codes, named, forbidden, show


def run(govlint, case):
    """Runs one case; returns (exit code, stdout, stderr, seconds, peak MiB, timed out)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(
            [govlint, *case.args, *(["--today", TODAY] if case.args[0] in ("check", "audit", "log") else [])],
            cwd=case.cwd, stdout=out, stderr=err,
            env=env(GOVLINT_NO_CACHE="1", NO_COLOR="1"),
        )
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            child.kill()

        timer = threading.Timer(TIMEOUT_S, kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux.
    return child.returncode, stdout, stderr, seconds, usage.ru_maxrss / 1024, timed_out.is_set()


def first_diagnostics(stdout):
    """File → its first JSON diagnostic, as `rule@line:column: message`."""
    try:
        report = json.loads(stdout)
    except ValueError:
        return {}
    if not isinstance(report, dict):
        return {}
    first = {}
    for d in report.get("diagnostics", []):
        first.setdefault(d.get("file"), f"{d['rule']}@{d['line']}:{d['column']}: {d['message'][:90]}")
    return first


def build_all(base, tiny):
    cases = []
    for build in (bad_files, bad_config, odd_repositories, odd_history):
        cases.extend(build(base))
    cases.extend(tiny_files(base, tiny))
    return cases


def judge(govlint, case):
    """Runs one case and judges it; returns (failed, report lines).

    Runs in a process of its own, forked from the small main process, so the
    memory it uses to read govlint's output never inflates a later peak.
    """
    code, stdout, stderr, seconds, peak, timed_out = run(govlint, case)
    output = stdout + stderr
    problems = []
    if timed_out:
        problems.append(f"no answer within {TIMEOUT_S}s")
    if code not in case.codes:
        problems.append(f"exit code {code}, expected {sorted(case.codes)}")
    if "panicked" in stderr:
        problems.append("panicked")
    if peak >= PEAK_LIMIT_MIB:
        problems.append(f"peak memory {peak:.0f} MiB >= {PEAK_LIMIT_MIB} MiB")
    first = first_diagnostics(stdout)
    # Files a JSON report names, else any mention (few names only: each is
    # a search of the whole output).
    missing = [f for f in case.named
               if f not in first and (len(case.named) > 200 or f not in output)]
    if missing:
        problems.append(f"not named: {', '.join(missing[:10])}"
                        + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
    leaked = [f for f in case.forbidden if f in output]
    if leaked:
        problems.append(f"named but must not be: {', '.join(leaked)}")
    status = "ok  " if not problems else "FAIL"
    lines = [f"{status} {case.name:<34} exit {code}  {seconds:6.2f}s  {peak:6.1f} MiB"]
    shown = case.named if case.show is None else case.named[: case.show]
    if first:
        lines += [f"       {f}: {first.get(f)}" for f in shown]
    lines += [f"       {p}" for p in problems]
    if problems:
        lines += [f"       stderr: {line[:200]}" for line in stderr.strip().splitlines()[-5:]]
    return bool(problems), lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the corpus folder")
    parser.add_argument("--tiny-files", type=int, default=10_000)
    opts = parser.parse_args()
    govlint = os.path.abspath(os.environ.get("GOVLINT", "target/debug/govlint"))
    if not os.access(govlint, os.X_OK):
        sys.exit(f"hostile-corpus: no govlint binary at {govlint} (set GOVLINT)")
    base = tempfile.mkdtemp(prefix="govlint-hostile-")
    started = time.monotonic()
    failures = []
    cases = []
    # Linux counts the memory of the process that spawns govlint in
    # govlint's peak (exec keeps the high-water mark): building the corpus
    # and reading outputs happen in children, so this process stays small.
    fork = multiprocessing.get_context("fork")
    try:
        with fork.Pool(1) as pool:
            cases = pool.apply(build_all, (base, opts.tiny_files))
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"hostile corpus: {len(cases)} runs, built in {time.monotonic() - started:.1f}s"
              f" in {base} (this script: {own:.0f} MiB)", flush=True)
        with fork.Pool(1, maxtasksperchild=1) as pool:
            for case in cases:
                failed, lines = pool.apply(judge, (govlint, case))
                print("\n".join(lines), flush=True)
                if failed:
                    failures.append(case.name)
    finally:
        if opts.keep:
            print(f"corpus kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    if os.path.exists("/tmp/govlint-pwned"):
        print("FAIL a YAML tag ran code (/tmp/govlint-pwned exists)")
        failures.append("tag ran code")
    print(f"hostile corpus: {len(failures)} failing of {len(cases)} in {time.monotonic() - started:.1f}s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
