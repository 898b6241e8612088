#!/usr/bin/env bash
# Runs the third-party dbt-cloud-cli (data-mie, 0.9.1) against dbtsh-sandbox over TLS,
# as an independent check that the sandbox speaks the dbt Cloud API. Not part of CI:
# it needs PyPI and takes a minute. Usage: scripts/dbt-cloud-cli-against-sandbox.sh
# (DBTSH_SANDBOX=PATH uses an already built dbtsh-sandbox instead of building one).
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

if [[ -n "${DBTSH_SANDBOX:-}" ]]; then
    sandbox="$DBTSH_SANDBOX"
else
    step "build dbtsh-sandbox"
    (cd "$repo" && swift build --product dbtsh-sandbox >/dev/null)
    sandbox="$(cd "$repo" && swift build --product dbtsh-sandbox --show-bin-path)/dbtsh-sandbox"
fi

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

step "dbt-cloud project create / update / get / delete"
"$cli" project create --name "cli project" --type 0 >"$work/project.json"
project_id="$(json 'print(d["data"]["id"])' <"$work/project.json")"
json 'p=d["data"]; print("created", p["id"], p["name"], "state", p["state"])' <"$work/project.json"
"$cli" project update --project-id "$project_id" --name "cli project renamed" --type 0 \
    | json 'p=d["data"]; print("updated", p["id"], p["name"])'
"$cli" project get --project-id "$project_id" | json 'print("get", d["data"]["name"])'

step "dbt-cloud environment create / get / delete"
"$cli" environment create --project-id "$project_id" --name "cli environment" --type deployment \
    --dbt-version latest >"$work/environment.json"
environment_id="$(json 'print(d["data"]["id"])' <"$work/environment.json")"
json 'e=d["data"]; print("created", e["id"], e["name"], e["type"])' <"$work/environment.json"
"$cli" environment get --project-id "$project_id" --environment-id "$environment_id" | json 'print("get", d["data"]["name"])'
"$cli" environment delete --project-id "$project_id" --environment-id "$environment_id" \
    | json 'print("deleted, state", d["data"]["state"])'

step "dbt-cloud connection create / get / list / delete (project-scoped paths)"
"$cli" connection create --project-id "$project_id" --name "cli connection" --type snowflake \
    --account acme --database analytics --warehouse transforming --role dbt >"$work/connection.json"
connection_id="$(json 'print(d["data"]["id"])' <"$work/connection.json")"
json 'c=d["data"]; print("created", c["id"], c["name"], c["type"], sorted(c["details"]))' <"$work/connection.json"
"$cli" connection get --project-id "$project_id" --connection-id "$connection_id" | json 'print("get", d["data"]["name"])'
"$cli" connection list --project-id "$project_id" | json 'print("listed", [c["id"] for c in d["data"]])'
"$cli" connection delete --project-id "$project_id" --connection-id "$connection_id" \
    | json 'print("deleted, state", d["data"]["state"])'
"$cli" project delete --project-id "$project_id" | json 'print("project deleted, state", d["data"]["state"])'

step "dbt-cloud audit-log get --logged-at-start 2026-11-28 --logged-at-end 2026-11-28"
"$cli" audit-log get --logged-at-start 2026-11-28 --logged-at-end 2026-11-28 \
    | json 'print([e["event_type"] for e in d["data"]], d["extra"]["filters"]["logged_at__range"])'

step "dbt-cloud run cancel-all --dry-run and job delete-all --dry-run"
"$cli" run cancel-all --dry-run --status Running 2>&1 >/dev/null | tail -1
"$cli" job delete-all --dry-run --project-id 101 --keep-jobs "[50001]" 2>&1 >/dev/null | cut -c1-60

step "dbt-cloud metadata query (the sandbox's Discovery endpoint, over the same host)"
printf '%s' '{ environment(id: 202) { applied { models(first: 2) { totalCount edges { node { uniqueId } } } } } }' >"$work/query.graphql"
REQUESTS_CA_BUNDLE="$work/sandbox.pem" "$work/venv/bin/python" - "$url" "$work/query.graphql" <<'PY'
import json, sys, requests
url, path = sys.argv[1], sys.argv[2]
# dbt-cloud-cli posts to https://metadata.{host}/graphql; the sandbox serves /graphql on its own host.
answer = requests.post(url + "/graphql", json={"query": open(path).read()},
                       headers={"Authorization": "Bearer dbtsh-demo-token"}).json()
models = answer["data"]["environment"]["applied"]["models"]
print(models["totalCount"], "models;", [e["node"]["uniqueId"] for e in models["edges"]])
PY

step "all dbt-cloud-cli commands succeeded against the sandbox"
