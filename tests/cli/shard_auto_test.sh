#!/usr/bin/env bash
# --shard auto end to end (issue 11): a Slurm array of 4 tasks, a Kubernetes Indexed Job of 3
# pods and an AWS Batch array of 2, each simulated by its environment variables, write their
# shards to --out part-{shard}.json; merge gives the unsharded run's groups (mean aside: sums
# differ in their last bits) and quantiles. Usage: shard_auto_test.sh FLEETCAP_BINARY
set -euo pipefail
fleetcap="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
clean_env() { env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_MIN -u SLURM_ARRAY_TASK_MAX -u SLURM_ARRAY_TASK_COUNT \
  -u SLURM_ARRAY_TASK_STEP -u JOB_COMPLETION_INDEX -u AWS_BATCH_JOB_ARRAY_INDEX "$@"; }

scenario=frontier-run-uncertainty
clean_env "$fleetcap" sweep "$scenario" --json > "$dir/whole.json"
# Groups without the sums (and so the means), which depend on the summation order.
strip() { /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for g in d["groups"]:
    g.pop("mean", None); g["accumulator"].pop("sum", None)
print(json.dumps(d["groups"], sort_keys=True))' "$1"; }
strip "$dir/whole.json" > "$dir/whole.groups"

for t in 0 1 2 3; do
  clean_env SLURM_ARRAY_TASK_ID=$((t + 10)) SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_MAX=13 SLURM_ARRAY_TASK_COUNT=4 \
    "$fleetcap" sweep "$scenario" --shard auto --out "$dir/slurm-{shard}.json" > "$dir/slurm-$t.log"
  grep -q "shard $t/4" "$dir/slurm-$t.log" || fail "slurm task $t: $(cat "$dir/slurm-$t.log" | head -2)"
  grep -q "from SLURM_ARRAY_TASK_ID=$((t + 10))" "$dir/slurm-$t.log" || fail "slurm task $t does not name its source"
done
clean_env "$fleetcap" merge "$dir"/slurm-*.json --out "$dir/slurm.json" > /dev/null
cmp -s <(strip "$dir/slurm.json") "$dir/whole.groups" || fail "merged Slurm shards differ from the unsharded run"

for t in 0 1 2; do
  clean_env JOB_COMPLETION_INDEX=$t "$fleetcap" sweep "$scenario" --shard auto/3 --out "$dir/k8s-{shard}.json" > /dev/null
done
clean_env "$fleetcap" merge "$dir"/k8s-*.json --out "$dir/k8s.json" > /dev/null
cmp -s <(strip "$dir/k8s.json") "$dir/whole.groups" || fail "merged Kubernetes shards differ from the unsharded run"

for t in 0 1; do
  clean_env AWS_BATCH_JOB_ARRAY_INDEX=$t "$fleetcap" sweep "$scenario" --shard auto/2 --out "$dir/aws-{shard}.json" > /dev/null
done
clean_env "$fleetcap" merge "$dir"/aws-*.json --out "$dir/aws.json" > /dev/null
cmp -s <(strip "$dir/aws.json") "$dir/whole.groups" || fail "merged AWS Batch shards differ from the unsharded run"

# Refusals: exit 2, one line naming what is missing, no file written.
set +e
err=$(clean_env "$fleetcap" sweep "$scenario" --shard auto --out "$dir/none.json" 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "--shard auto outside an array job: exit $code"
echo "$err" | grep -q "no array index in the environment" || fail "unexpected message: $err"
[ ! -e "$dir/none.json" ] || fail "a refused run wrote its --out"
set +e
err=$(clean_env JOB_COMPLETION_INDEX=1 "$fleetcap" sweep "$scenario" --shard auto 2>&1 >/dev/null); code=$?
set -e
[ "$code" -eq 2 ] || fail "Kubernetes without a count: exit $code"
echo "$err" | grep -q "auto/N" || fail "unexpected message: $err"
echo "shard auto: ok"
