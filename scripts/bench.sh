#!/usr/bin/env bash
# Builds dbtsh and dbtsh-bench in release and runs the benchmarks (issue 7): one table on
# stdout, also written to bench-results/latest.md (gitignored). Everything runs on 127.0.0.1.
#
#   scripts/bench.sh [--with-dbt-cloud-cli] [--quick] [--runs N] [--only startup,script,completion,paging,artifacts,story]
#
# --with-dbt-cloud-cli  installs dbt-cloud-cli 0.9.1 into a venv (under $XDG_CACHE_HOME or
#                       ~/.cache, dbtsh-bench/venv) and compares it on the same 10-command work.
set -euo pipefail

cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then PATH="/opt/swift/usr/bin:$PATH"; fi

with_cli=0
pass=()
for arg in "$@"; do
  case "$arg" in
    --with-dbt-cloud-cli) with_cli=1 ;;
    *) pass+=("$arg") ;;
  esac
done

# One product per call: with several --product flags SwiftPM builds only the last.
# RELEASE_FLAGS as `make install` builds (default: the Swift runtime linked in statically).
release_flags=(${RELEASE_FLAGS---static-swift-stdlib})
release_build() { swift build -c release ${release_flags[@]+"${release_flags[@]}"} "$@"; }
echo "building release (${release_flags[*]:-dynamic}): dbtsh, dbtsh-bench…" >&2
release_build --product dbtsh >&2
release_build --product dbtsh-bench >&2
bin="$(release_build --show-bin-path)"

if [ "$with_cli" = 1 ]; then
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/dbtsh-bench/venv"
  if [ ! -x "$venv/bin/dbt-cloud" ]; then
    echo "installing dbt-cloud-cli 0.9.1 into $venv…" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "dbt-cloud-cli==0.9.1" >&2
  fi
  pass+=(--dbt-cloud "$venv/bin/dbt-cloud")
fi

mkdir -p bench-results
"$bin/dbtsh-bench" --dbtsh "$bin/dbtsh" --out bench-results/latest.md ${pass[@]+"${pass[@]}"}
