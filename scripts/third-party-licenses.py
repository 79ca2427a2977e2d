#!/usr/bin/env python3
"""Writes the third-party licence notice shipped with every release archive.

Usage: scripts/third-party-licenses.py [--target TRIPLE] [OUTPUT]

Lists every crate compiled into the govlint binary for TARGET (the normal
dependencies that `cargo metadata --filter-platform` resolves; build tools
such as `cc` are not shipped), with its version, licence and repository, and
the licence files found in its source. libgit2, which libgit2-sys compiles in
from C sources, is named separately with its COPYING file (GPL-2.0 with the
linking exception). Needs the sources downloaded (`cargo fetch --locked`).
"""

import argparse
import hashlib
import json
import pathlib
import subprocess
import sys

NAMES = ("license", "licence", "copying", "notice", "unlicense")


def metadata(target):
    cmd = ["cargo", "metadata", "--format-version", "1", "--locked"]
    if target:
        cmd += ["--filter-platform", target]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def shipped(meta):
    """Package ids reachable from the root through normal dependencies."""
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    seen, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    seen.discard(root)
    return seen


def licence_files(pkg):
    folder = pathlib.Path(pkg["manifest_path"]).parent
    files = sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.name.lower().startswith(NAMES)
    )
    if pkg.get("license_file"):
        extra = folder / pkg["license_file"]
        if extra.is_file() and extra not in files:
            files.append(extra)
    if pkg["name"] == "libgit2-sys":
        copying = folder / "libgit2" / "COPYING"
        if copying.is_file():
            files.append(copying)
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target")
    parser.add_argument("output", nargs="?")
    args = parser.parse_args()
    meta = metadata(args.target)
    packages = {p["id"]: p for p in meta["packages"]}
    ids = sorted(shipped(meta), key=lambda i: (packages[i]["name"], packages[i]["version"]))
    out = []
    out.append("Third-party software in govlint")
    out.append("================================\n")
    out.append(
        "govlint is MIT OR Apache-2.0. The binary includes the following crates\n"
        "(and, through libgit2-sys, the libgit2 C library). Their licences and\n"
        "notices follow the list.\n"
    )
    for i in ids:
        p = packages[i]
        out.append(f"- {p['name']} {p['version']}: {p.get('license') or 'see its licence file'}"
                   + (f" ({p['repository']})" if p.get("repository") else ""))
        if p["name"] == "libgit2-sys":
            out.append("- libgit2 (compiled in by libgit2-sys): GPL-2.0 with the linking exception"
                       " (https://github.com/libgit2/libgit2)")
    seen = {}
    for i in ids:
        p = packages[i]
        files = licence_files(p)
        out.append("\n" + "-" * 78)
        out.append(f"{p['name']} {p['version']}: {p.get('license') or ''}")
        out.append("-" * 78)
        if not files:
            out.append(f"(no licence file in the crate; its licence is {p.get('license')}, "
                       "whose standard text applies)")
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace").strip()
            digest = hashlib.sha256(text.encode()).hexdigest()
            label = "libgit2 COPYING" if f.name == "COPYING" and f.parent.name == "libgit2" else f.name
            if digest in seen:
                out.append(f"{label}: the same text as {seen[digest]} above.")
                continue
            seen[digest] = f"{p['name']} {p['version']} ({label})"
            out.append(f"{label}:\n\n{text}\n")
    text = "\n".join(out) + "\n"
    if args.output:
        pathlib.Path(args.output).write_text(text, encoding="utf-8")
        print(f"{len(ids)} crates -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
