#!/usr/bin/env bash
# Runs the third-party dbt-cloud-cli (data-mie, 0.9.1) against dbtsh-sandbox over TLS,
# as an independent check that the sandbox speaks the dbt Cloud API. Not part of CI:
# it needs PyPI and takes a minute. Usage: scripts/dbt-cloud-cli-against-sandbox.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dbt-cloud-cli-sandbox.XXXXXX")"
sandbox_pid=""
cleanup() {
    if [[ -n "$sandbox_pid" ]]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }

step "build dbtsh-sandbox"
(cd "$repo" && swift build --product dbtsh-sandbox >/dev/null)
sandbox="$(cd "$repo" && swift build --product dbtsh-sandbox --show-bin-path)/dbtsh-sandbox"

step "install dbt-cloud-cli 0.9.1 into $work/venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "dbt-cloud-cli==0.9.1"
cli="$work/venv/bin/dbt-cloud"

step "start dbtsh-sandbox --tls"
"$sandbox" --tls --cert-out "$work/sandbox.pem" --step-seconds 0.5 >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
    grep -q '^url: ' "$work/sandbox.out" 2>/dev/null && break
    sleep 0.1
done
url="$(sed -n 's/^url: //p' "$work/sandbox.out")"
[[ -n "$url" ]] || { cat "$work/sandbox.out"; echo "sandbox did not start" >&2; exit 1; }
echo "sandbox at $url"

export DBT_CLOUD_HOST="${url#https://}"
export DBT_CLOUD_API_TOKEN="dbtsh-demo-token"
export DBT_CLOUD_ACCOUNT_ID=43
export REQUESTS_CA_BUNDLE="$work/sandbox.pem"

json() { "$work/venv/bin/python" -c "import json,sys; d=json.load(sys.stdin); $1"; }

step "dbt-cloud job list"
"$cli" job list | json 'print(len(d["data"]), "jobs on the first page; first:", d["data"][0]["id"], d["data"][0]["name"])'

step "dbt-cloud job get --job-id 43167"
"$cli" job get --job-id 43167 | json 'j=d["data"]; print(j["id"], j["name"], j["execute_steps"], "generate_docs:", j["generate_docs"])'

step "dbt-cloud run list --job-id 43167"
"$cli" run list --job-id 43167 | json 'print([(r["id"], r["status_humanized"]) for r in d["data"]])'

step "dbt-cloud job run --job-id 43168 --wait"
"$cli" job run --job-id 43168 --cause "dbt-cloud-cli against dbtsh-sandbox" --wait >"$work/run.json"
json 'r=d["data"]; print("run", r["id"], r["status_humanized"], "in", r["duration"])' <"$work/run.json"
run_id="$(json 'print(d["data"]["id"])' <"$work/run.json")"
status="$(json 'print(d["data"]["status"])' <"$work/run.json")"
[[ "$status" == "10" ]] || { echo "expected the run to succeed" >&2; exit 1; }

step "dbt-cloud run list-artifacts --run-id $run_id"
"$cli" run list-artifacts --run-id "$run_id" | json 'print(d["data"])'

step "dbt-cloud run get-artifact --run-id 902 --path run_results.json (last step) and --step 2"
"$cli" run get-artifact --run-id 902 --path run_results.json >"$work/last.json"
"$cli" run get-artifact --run-id 902 --path run_results.json --step 2 >"$work/build.json"
for file in last build; do
    json 'print(d["args"]["which"], sorted({r["status"] for r in d["results"]}))' <"$work/$file.json"
done

step "dbt-cloud run get-artifact --run-id $run_id --path catalog.json"
"$cli" run get-artifact --run-id "$run_id" --path catalog.json | json 'print(len(d["nodes"]), "catalog nodes")'

step "all dbt-cloud-cli commands succeeded against the sandbox"
