#!/usr/bin/env bash
# Output files are all or nothing (issue 12): an interrupted sweep leaves neither --out nor
# --rows nor a temporary file; two runs writing one --out leave one whole document, never a
# mix; a failed run leaves nothing. Usage: output_files_test.sh FLEETCAP_BINARY
set -euo pipefail
# Job control on: a non-interactive shell starts background jobs with SIGINT ignored, and the
# binary rightly keeps a signal its caller chose to ignore.
set -m
fleetcap="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; ls -la "$dir" >&2; exit 1; }

# A 12-million-point compliance grid: writing its rows takes far longer than the wait below.
cat > "$dir/big.json" <<'JSON'
{
  "id": "interrupt-me",
  "description": "A grid large enough to be interrupted mid-run.",
  "evaluator": "compliance",
  "fixed": {"data_center": 1},
  "axes": [
    {"name": "b1_tpp_min", "values": [1600, 2000, 2400, 2800, 3200]},
    {"name": "bit_length", "values": [4, 8, 16]},
    {"name": "die_area_mm2", "linear": {"from": 100, "to": 900, "count": 161}},
    {"name": "dense_tops", "log": {"from": 10, "to": 5000, "count": 5000}}
  ],
  "group_by": ["b1_tpp_min"],
  "objective": {"metric": "tpp", "goal": "max"}
}
JSON

for signal in INT TERM; do
  "$fleetcap" sweep "$dir/big.json" --out "$dir/r.json" --rows "$dir/rows.csv" --max-rows 1000000000 \
      >/dev/null 2>&1 &
  pid=$!
  # Wait until the run has opened its temporary files, then interrupt it.
  for _ in $(seq 100); do
    compgen -G "$dir/rows.csv.tmp*" >/dev/null && break
    sleep 0.1
  done
  compgen -G "$dir/rows.csv.tmp*" >/dev/null || fail "no temporary rows file appeared"
  sleep 0.5
  kill -"$signal" "$pid"
  code=0
  wait "$pid" || code=$?
  [ "$code" -ne 0 ] || fail "SIG$signal: the run finished before it was interrupted"
  [ "$(ls "$dir")" = "big.json" ] || fail "SIG$signal left files behind"
done

# A failed run (the --out folder does not exist) leaves no rows file, and fails before the sweep.
code=0
"$fleetcap" sweep layout-22b-64 --rows "$dir/rows.csv" --max-rows 10000000 --out "$dir/missing/r.json" \
    >/dev/null 2>"$dir/err" || code=$?
[ "$code" -eq 2 ] || fail "missing --out folder: exit $code, expected 2"
grep -q "missing/r.json: cannot be written (folder" "$dir/err" || fail "error does not name the file: $(cat "$dir/err")"
rm "$dir/err"
[ "$(ls "$dir")" = "big.json" ] || fail "a failed run left files behind"
code=0
"$fleetcap" calibrate megatron-selene-2021 --out "$dir/missing/s.json" >/dev/null 2>&1 || code=$?
[ "$code" -eq 2 ] || fail "calibrate to a missing folder: exit $code, expected 2"

# Two runs writing the same --out at once: the file is one run's whole document.
"$fleetcap" sweep frontier-run-uncertainty --json > "$dir/a.json"
"$fleetcap" sweep china-mix-what-if --json > "$dir/b.json"
for round in 1 2 3; do
  "$fleetcap" sweep frontier-run-uncertainty --out "$dir/same.json" >/dev/null &
  p1=$!
  "$fleetcap" sweep china-mix-what-if --out "$dir/same.json" >/dev/null &
  p2=$!
  wait "$p1"
  wait "$p2"
  cmp -s "$dir/same.json" "$dir/a.json" || cmp -s "$dir/same.json" "$dir/b.json" ||
    fail "round $round: same.json is neither run's document"
  ! compgen -G "$dir/same.json.tmp*" >/dev/null || fail "round $round: a temporary file was left"
done
echo "output files: interrupted, failed and concurrent runs all clean"
