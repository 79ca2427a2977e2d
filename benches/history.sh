#!/usr/bin/env bash
# Benchmark: indexing git history vs. `git log --name-only` (SPEC section 7).
#
#   benches/history.sh [RUNS]
#
# Makes the reference repository (10,000 records, 20,000 commits) with
# shared/bench/gen-repo.py if it is missing, then times, RUNS times each
# (default 5), interleaved so that machine load hits all alike:
#   - git log --name-only --format=%H          (the yardstick)
#   - the history index, cold (GOVLINT_NO_CACHE=1)
#   - the history index, warm (cache filled by a first run)
# and prints the medians and the ratios to git log.
#
# Environment:
#   BENCH_REPO          where the repository is made (default: /tmp/govlint-bench-repo)
#   HISTORY_INDEX_CMD   the command that builds the index, run inside BENCH_REPO
#                       (default: the history-dev example binary, `index .`;
#                       later: `govlint check --today 2026-11-15`)
set -euo pipefail

runs="${1:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="${BENCH_REPO:-/tmp/govlint-bench-repo}"
gen="$here/../shared/bench/gen-repo.py"
cmd="${HISTORY_INDEX_CMD:-/work/scratch/target/release/examples/index .}"

if [ ! -d "$repo/.git" ]; then
    echo "making $repo (takes a few seconds)..." >&2
    python3 "$gen" "$repo" --records 10000 --commits 20000 >&2
fi

cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT

# Prints the wall-clock seconds that "$@" takes (output discarded).
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f\n", e - s }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }

cd "$repo"
# Warm the page cache and fill the history cache once.
git log --name-only --format=%H >/dev/null
XDG_CACHE_HOME="$cache" $cmd >/dev/null 2>&1

git_t=(); cold_t=(); warm_t=()
for _ in $(seq "$runs"); do
    git_t+=("$(seconds git log --name-only --format=%H)")
    cold_t+=("$(seconds env GOVLINT_NO_CACHE=1 $cmd)")
    warm_t+=("$(seconds env XDG_CACHE_HOME="$cache" $cmd)")
done

g=$(printf '%s\n' "${git_t[@]}" | median)
c=$(printf '%s\n' "${cold_t[@]}" | median)
w=$(printf '%s\n' "${warm_t[@]}" | median)
echo "repo: $repo ($(git rev-list --count HEAD) commits), $runs runs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8ss\n' "git log --name-only --format=%H" "$g"
ratio() { awk -v a="$1" -v b="$g" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-34s %8ss  (%s x git log)\n' "history index, cold" "$c" "$(ratio "$c")"
printf '%-34s %8ss  (%s x git log)\n' "history index, warm (cache)" "$w" "$(ratio "$w")"
