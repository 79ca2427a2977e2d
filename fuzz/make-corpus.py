#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target under fuzz/corpus/<target>/.

Seeds are small real inputs: the repository's templates and fixtures, cases
of the YAML test suite (../shared/yaml-test-suite), keys and signatures made
by ssh-keygen and gpg, and the history cache files of the example ISMS made
by a real `govlint check`, and commit objects made by git. Run from the repository root, after `cargo build`:

    python3 fuzz/make-corpus.py [--shared ../shared] [--govlint target/debug/govlint]

The corpus is committed; rerun this only to renew it (keys and signatures
come out different each time). Inputs the fuzzer found that crashed live in
fuzz/regressions/<target>/ and are never rewritten by this script.
"""

import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

PART = b"\n--govlint-fuzz-part--\n"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def files(pattern, limit=None, max_bytes=6000):
    found = [p for p in sorted(ROOT.glob(pattern)) if p.stat().st_size <= max_bytes]
    return found[:limit] if limit else found


def yaml_seeds(shared):
    suite = Path(shared) / "yaml-test-suite"
    cases = sorted(p for p in suite.iterdir() if (p / "in.yaml").exists())
    small = [c for c in cases if (c / "in.yaml").stat().st_size <= 400]
    for case in small[::9]:
        put("yaml", f"suite-{case.name}.yaml", (case / "in.yaml").read_bytes())
    for p in files("templates/example/**/*.yaml", 8, 3000):
        put("yaml", f"example-{p.stem}.yaml", p.read_bytes())
    put("yaml", "aliases.yaml", "a: &a [1, 2, {x: *b}]\nb: &b [*a, *a]\n")
    put("yaml", "alias-chain.yaml", "a: &a [x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n")
    put("yaml", "deep-flow.yaml", "[" * 40 + "]" * 40 + "\n")
    put("yaml", "deep-block.yaml", "".join(" " * i + "- \n" for i in range(0, 40, 2)) + "x\n")
    put("yaml", "bom-crlf.yaml", "\ufeffkind: Policy\r\nid: P-1\r\ntags: [a, b]\r\n")
    put("yaml", "tags.yaml", "a: !!int '12'\nb: !!str 12\nc: !local x\nd: !!float .inf\n? [1, 2]\n: seq key\n")
    put("yaml", "duplicate.yaml", "a: 1\n'a': 2\n1: x\n\"1\": y\n")
    put("yaml", "multi.yaml", "---\nid: a\n...\n---\nid: b\n--- |\n  block\n")


def front_matter_seeds():
    for p in files("templates/example/**/*.md", 6, 5000) + files("fixtures/repos/*/policies/*.md", 4):
        put("front_matter", f"{p.parent.parent.name}-{p.name}", p.read_bytes())
    put("front_matter", "bom-crlf.md", "\ufeff---\r\nkind: Policy\r\nid: P-1\r\n---\r\n# Body\r\n")
    put("front_matter", "dots.md", "---\nkind: Policy\nid: P-2\n...\nbody\n")
    put("front_matter", "unterminated.md", "---\nkind: Policy\nid: P-3\n")
    put("front_matter", "empty.md", "---\n---\n")
    put("front_matter", "not-a-record.md", "# Title\n---\nkind: x\n---\n")


def table_seeds():
    for p in files("templates/**/*.csv", 6, 100_000):
        lines = p.read_text().splitlines(keepends=True)[:12]
        put("csv_table", f"{p.parent.name}-{p.name}", "".join(lines))
    put("csv_table", "quoted.csv", 'id,title,owner\r\nR-1,"multi\r\nline, with ""quotes""",R-CISO\r\n')
    put("csv_table", "bom-cr.csv", "\ufeffid,n\rR-1,1\rR-2,2\r")
    put("csv_table", "nested.csv", "id,residual/level,residual/owner,tags\nR-1,3,R-CISO,a; b ;c\nR-2,,,\n")
    put("csv_table", "ragged.csv", "id,a,b\nR-1,1\nR-2,1,2,3\n,\n\nR-3,\"x\"y,z\n")
    put("csv_table", "bad-header.csv", "id,,kind,a,a,a/b\nR-1,x,y,z,w,v\n")
    put("csv_table", "unterminated.csv", 'id,a\nR-1,"open\n')


def trailer_seeds():
    msgs = {
        "approved.txt": "Approve the access control policy\n\nApproves: POL-AC-001, POL-IS-001\nApproved-by: Jane Doe <jane@acme.example>\n",
        "reviewed.txt": "Review\n\nSome prose.\n\nReviews: RSK-1 RSK-2\nReviewed-by: Bob <bob@acme.example>\nReviewed-by: bob <BOB@acme.example>\n",
        "folded.txt": "Title\n\nApproved-by: Jane\n  Doe <jane@acme.example>\nApproves: A,\n\tB\n",
        "git-generated.txt": "Title\n\nprose line\nmore prose\nSigned-off-by: A <a@x>\n(cherry picked from commit 0123456789abcdef)\nApproved-by: A <a@x>\n",
        "comments-crlf.txt": "Title\r\n\r\n# comment\r\nApproved-by: C <c@x>\r\nApproves: X\r\n\r\n",
        "title-only.txt": "Approved-by: Not a trailer <a@x>\n",
        "key-blanks.txt": "T\n\nApproved-by : A <a@x>\nBad Key: v\nApproves:Y\n",
    }
    for name, m in msgs.items():
        put("trailers", name, m)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def allowed_signers_seeds(tmp):
    keys = {}
    for kind, extra in [("ed25519", []), ("ecdsa", ["-b", "256"]), ("rsa", ["-b", "2048"])]:
        path = tmp / f"id_{kind}"
        run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", f"{kind}@acme.example", "-f", str(path)])
        keys[kind] = (tmp / f"id_{kind}.pub").read_text().strip()
    ca = tmp / "ca"
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ca)])
    run(["ssh-keygen", "-q", "-s", str(ca), "-I", "jane", "-n", "jane@acme.example,ops",
         "-V", "20250101:20300101", str(tmp / "id_ed25519.pub")])
    cert = (tmp / "id_ed25519-cert.pub").read_text().strip()
    ca_pub = (tmp / "ca.pub").read_text().strip()
    ed, ec, rsa = keys["ed25519"], keys["ecdsa"], keys["rsa"]
    put("allowed_signers", "plain", f"jane@acme.example {ed}\nbob@acme.example,*@ops.acme.example {ec}\n")
    put("allowed_signers", "options",
        f'# comment\n\n"jane doe@acme.example" namespaces="git,file",valid-after="20250101",valid-before="20301231Z" {ed}\n'
        f'bob@acme.example VALID-AFTER="202601011200UTC" {rsa}\n!evil@acme.example,*@acme.example cert-authority {ca_pub}\n')
    put("allowed_signers", "certificate", f"*@acme.example cert-authority,namespaces=\"git\" {ca_pub}\n# {cert}\n")
    put("allowed_signers", "bad-lines", f'a@x unknown-option {ed}\nb@x namespaces=git {ed}\nc@x valid-before="2025" {ed}\n"unclosed {ed}\n\tc@x {ec}\r\n')


def openpgp_seeds(tmp):
    home = tmp / "gnupg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    run([*gpg, "--quick-gen-key", "Jane Doe <Jane@Acme.Example>", "ed25519", "sign", "never"], env=env)
    fpr = run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env).stdout.decode()
    fpr = next(l.split(":")[9] for l in fpr.splitlines() if l.startswith("fpr"))
    payload = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Jane <jane@acme.example> 1767225600 +0000\ncommitter Jane <jane@acme.example> 1767225600 +0000\n\nApprove\n"
    (tmp / "payload").write_bytes(payload)

    def sign(user):
        out = tmp / "payload.asc"
        if out.exists():
            out.unlink()
        run([*gpg, "-u", user, "--armor", "--detach-sign", "-o", str(out), str(tmp / "payload")], env=env)
        return out.read_bytes()

    primary_sig = sign(fpr + "!")
    armored = run(["gpg", "--batch", "--armor", "--export", fpr], env=env).stdout
    put("openpgp", "primary", armored + PART + primary_sig + PART + payload)
    run([*gpg, "--quick-add-key", fpr, "ed25519", "sign", "2y"], env=env)
    sub = run(["gpg", "--batch", "--with-colons", "--list-keys", fpr], env=env).stdout.decode()
    sub_fpr = [l.split(":")[9] for l in sub.splitlines() if l.startswith("fpr")][-1]
    sub_sig = sign(sub_fpr + "!")
    armored = run(["gpg", "--batch", "--armor", "--export", fpr], env=env).stdout
    binary = run(["gpg", "--batch", "--export", fpr], env=env).stdout
    put("openpgp", "subkey", armored + PART + sub_sig + PART + payload)
    put("openpgp", "binary-keyring", binary + PART + sub_sig + PART + payload)
    put("openpgp", "altered", b"keys:\n" + armored + PART + primary_sig + PART + payload + b"x")
    put("openpgp", "no-key", b"# no keys\n" + PART + primary_sig + PART + payload)


def read_str(b, i):
    (n,) = struct.unpack_from("<I", b, i)
    return i + 4 + n


def cache_seeds(govlint, tmp):
    demo, cache = tmp / "demo", tmp / "cache"
    run([govlint, "demo", str(demo)])
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "GOVLINT_TODAY": "2026-11-15"}
    env.pop("GOVLINT_NO_CACHE", None)
    subprocess.run([govlint, "check"], cwd=demo, env=env, capture_output=True)
    folder = cache / "govlint" / "history"
    facts = next(p for p in folder.glob("*.bin") if not p.name.endswith(".witness.bin"))
    witness = next(folder.glob("*.witness.bin"))
    # Facts: magic, version, repo, signers, openpgp, scope, shallow oid | head, facts | checksum.
    b = facts.read_bytes()
    i = len(b"govlint-history-cache\n") + 4
    for _ in range(4):
        i = read_str(b, i)
    body = b[i + 20:-8]
    put("history_cache", "facts", b"\x00" + body)
    put("history_cache", "facts-empty", b"\x00" + hashlib.sha1(b"head").digest() + b"\x00\x00\x00\x00")
    put("history_cache", "facts-raw-file", b"\x02" + b)
    # Witnesses: magic, version, repo, signers, head, witness key | body | checksum.
    w = witness.read_bytes()
    i = len(b"govlint-witness-cache\n") + 4
    for _ in range(2):
        i = read_str(w, i)
    body = w[i + 40:-8]
    commits = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=demo,
                                 capture_output=True, check=True).stdout)
    put("history_cache", "witnesses", bytes([1, commits]) + body)
    put("history_cache", "witnesses-empty", b"\x01\x00" + b"\x00" * 12)


def raw_commit_seeds(tmp):
    """Commit objects made by git (plain, merge, SSH-signed, re-encoded, far
    time zones, trailers), and a few crafted headers git never writes."""
    repo = tmp / "commits"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null",
           "GIT_AUTHOR_NAME": "Jane Doe", "GIT_AUTHOR_EMAIL": "jane@acme.example",
           "GIT_COMMITTER_NAME": "Jane Doe", "GIT_COMMITTER_EMAIL": "jane@acme.example",
           "GIT_AUTHOR_DATE": "1700000000 +0100", "GIT_COMMITTER_DATE": "1700000000 +0100"}

    def git(*args, **extra):
        return run(["git", *args], cwd=repo, env={**env, **extra}).stdout.decode(errors="replace").strip()

    def save(name):
        put("raw_commit", name, run(["git", "cat-file", "commit", "HEAD"], cwd=repo, env=env).stdout)

    git("init", "-q", "-b", "main")
    (repo / "a.txt").write_text("one\n")
    git("add", "a.txt")
    git("commit", "-q", "-m", "Root")
    save("root")
    git("commit", "-q", "--allow-empty", "-m", "Approve policy\n\nBody line.\n\nApproved-by: Ann <ann@acme.example>\nReviewed-by: Bob <bob@acme.example>",
        GIT_COMMITTER_DATE="1700000100 +1400", GIT_AUTHOR_DATE="1700000000 -1200")
    save("trailers-far-zones")
    git("checkout", "-q", "-b", "side")
    git("commit", "-q", "--allow-empty", "-m", "Side")
    git("checkout", "-q", "main")
    git("commit", "-q", "--allow-empty", "-m", "Main")
    git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    save("merge")
    key = tmp / "id_ed25519"
    git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S", "--allow-empty", "-m", "Signed")
    save("ssh-signed")
    git("-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-m", "Encoded",
        GIT_AUTHOR_NAME="Zo\u00eb")
    save("encoding")
    git("commit", "-q", "--allow-empty", "-m", "Odd <name>", GIT_AUTHOR_NAME="A <b> C", GIT_COMMITTER_NAME=" .;Crud,\"")
    save("odd-names")
    tree = git("rev-parse", "HEAD^{tree}")
    person = "A U Thor <a@example.com> 1700000000 +0000"
    for name, headers in [("second-author", f"author {person}\n"),
                          ("continuation", "x-custom one\n two\n"),
                          ("gpgsig-sha256", "gpgsig-sha256 abc\n def\n"),
                          ("two-encodings", "encoding UTF-8\nencoding ISO-8859-2\n")]:
        put("raw_commit", name, f"tree {tree}\nauthor {person}\ncommitter {person}\n{headers}\nMessage\n")
    put("raw_commit", "no-blank-line", f"tree {tree}\nauthor {person}\ncommitter {person}\n")
    put("raw_commit", "odd-time", f"tree {tree}\nauthor {person}\ncommitter A <a@x> 99999999999999999999 +9999\n\nm\n")


def rule_seeds():
    text = (ROOT / "rules" / "iso27001-2022.yaml").read_text()
    rules = text.split("\n  - id: ")[1:]
    for k, rule in enumerate(rules[::5]):
        body = rule.split("\n    description:")[0].split("\n\n  #")[0]
        put("rule_file", f"pack-{k:02}.yaml", "rules:\n  - id: fuzz/" + body.split("/", 1)[1] + "\n")
    for p in files("fixtures/rules/*/rules/*.yaml"):
        put("rule_file", f"fixture-{p.name}", p.read_bytes())
    put("rule_file", "bad-regex.yaml", "rules:\n  - id: r\n    severity: error\n    message: m\n    for: { kind: Policy }\n    check:\n      - field: { path: /id, pattern: '(' }\n")
    put("rule_file", "huge-regex.yaml", "rules:\n  - id: r\n    severity: error\n    message: m\n    for: { kind: Policy }\n    check:\n      - field: { path: /id, pattern: 'a{1000}{1000}' }\n")
    put("rule_file", "unknown.yaml", "rules:\n  - id: r\n    severity: eror\n    message: m\n    for: { kind: Policy }\n    check:\n      - feild: { path: /id }\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--govlint", default=str(ROOT / "target" / "debug" / "govlint"))
    args = ap.parse_args()
    if OUT.exists():
        shutil.rmtree(OUT)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        yaml_seeds(args.shared)
        front_matter_seeds()
        table_seeds()
        trailer_seeds()
        allowed_signers_seeds(tmp)
        openpgp_seeds(tmp)
        cache_seeds(args.govlint, tmp)
        raw_commit_seeds(tmp)
        rule_seeds()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for p in OUT.rglob('*') if p.is_file())} seeds, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
