#!/usr/bin/env bash
# Integration test of `anneal sweep --slurm` against a real one-node Slurm cluster (issue #15); .ci/run runs it
# after the Maven tests. About 3 minutes on 2 cores. Needs target/anneal.jar (built if missing), root (the
# cluster script installs slurm-wlm and munge when they are missing) and python3 (the record comparison).
#
#   1. starts the cluster (tools/slurm_cluster.sh) and always stops it again, by PID, when this script ends;
#   2. bad input: --cells-per-task 0, an unknown partition, --resume without a plan, --slurm without sbatch on
#      the PATH, a folder holding another plan: each one line on stderr, exit 2, nothing written or submitted;
#   3. submits a 6-cell tuned sweep (--tune 3x1) as a 6-task array, scancels one task while its cell trains, runs the same plan
#      locally meanwhile, waits, checks --status counts the killed cell as missing, resubmits with --resume;
#   4. checks the merged journal against the local one: every cell exactly once, and every deterministic field
#      (status, spec, lr, epochs to target, best/final accuracy, every evaluation, the lr curve) equal;
#   5. appends a torn line to a shard and checks that `anneal report` ignores it and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jar=$root/target/anneal.jar
[ -f "$jar" ] || mvn -B -ntp -q package -DskipTests
java_bin=$(command -v java)

work=$(mktemp -d /tmp/anneal-slurm-it.XXXXXX)
cluster=$work/cluster
local_pid=
cleanup() {
  local rc=$?
  if [ -n "$local_pid" ]; then kill -TERM "$local_pid" 2>/dev/null || true; wait "$local_pid" 2>/dev/null || true; fi
  "$root/tools/slurm_cluster.sh" stop "$cluster" || true
  if [ $rc -eq 0 ]; then rm -rf "$work"; else echo "slurm_sweep_test: FAILED (rc $rc); files kept in $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

fail() { echo "slurm_sweep_test: FAIL: $*" >&2; exit 1; }
step() { echo "slurm_sweep_test: $*"; }
anneal() { "$java_bin" -jar "$jar" "$@"; }

"$root/tools/slurm_cluster.sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf

# A tuned plan (issue #15 asks for one): 2 schedules x 3 Sobol trials x 1 study = 6 cells (NAME@K).
plan=(--schedules cosine,onecycle --tune 3x1 --seeds 1 --epochs 1 --batch 512 --target 0.75 --backend cpu)
sweep=$work/slurm

# expect_usage DESCRIPTION PATTERN COMMAND...: exit 2, exactly one line on stderr matching PATTERN.
expect_usage() {
  local what=$1 pattern=$2 rc=0
  shift 2
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  grep -v 'WARNING: Using incubator modules' "$work/err" >"$work/err1" || true
  [ $rc -eq 2 ] || fail "$what: exit code $rc, expected 2 ($(cat "$work/err1"))"
  [ "$(wc -l <"$work/err1")" -eq 1 ] || fail "$what: expected one line on stderr, got: $(cat "$work/err1")"
  grep -qE -- "$pattern" "$work/err1" || fail "$what: stderr does not match '$pattern': $(cat "$work/err1")"
  step "bad input ok: $what -> $(cat "$work/err1")"
}
jobs_before=$(squeue -h -o %i | wc -l)

step "2. bad input"
expect_usage "--cells-per-task 0" "--cells-per-task must be >= 1, got 0" \
  anneal sweep "${plan[@]}" --slurm "$work/bad1" --cells-per-task 0
[ ! -e "$work/bad1" ] || fail "--cells-per-task 0 wrote $work/bad1"
expect_usage "unknown partition" "sbatch refused the job: sbatch: error: invalid partition specified: nosuchpart" \
  anneal sweep "${plan[@]}" --slurm "$work/bad2" --partition nosuchpart
[ ! -e "$work/bad2" ] || fail "unknown partition wrote $work/bad2"
mkdir -p "$work/bad3"
expect_usage "--resume without a plan" "--resume: .*holds no Slurm sweep" anneal sweep --resume --slurm "$work/bad3"
[ -z "$(ls -A "$work/bad3")" ] || fail "--resume without a plan wrote into $work/bad3"
expect_usage "--slurm without sbatch on the PATH" "--slurm: sbatch is not on the PATH" \
  env PATH=/nonexistent "$java_bin" -jar "$jar" sweep "${plan[@]}" --slurm "$work/bad4"
[ ! -e "$work/bad4" ] || fail "--slurm without sbatch wrote $work/bad4"
[ "$(squeue -h -o %i | wc -l)" -eq "$jobs_before" ] || fail "a bad-input case submitted a job"

step "3. submit the sweep as a job array"
anneal sweep "${plan[@]}" --slurm "$sweep" --cpus-per-task 1
job=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['jobId'])" "$sweep/submissions/001.json")
ntasks=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['tasks']))" "$sweep/submissions/001.json")
[ "$ntasks" -ge 6 ] || fail "expected >= 6 array tasks, got $ntasks"
plan_sum=$(sha256sum "$sweep/plan.json")
expect_usage "a folder holding another plan" "holds another plan \(plan.seeds" \
  anneal sweep --schedules cosine,onecycle --tune 3x1 --seeds 2 --epochs 1 --batch 512 --target 0.75 --backend cpu --slurm "$sweep"
[ "$(sha256sum "$sweep/plan.json")" = "$plan_sum" ] || fail "another plan changed plan.json"

# Wait for a task that is running with its cell in flight (its JMH log exists, its shard holds only the header),
# then cancel it: Slurm sends SIGTERM (and SIGKILL after KillWait).
victim=
for _ in $(seq 180); do
  for t in $(squeue -h -r -j "$job" -t RUNNING -o %i 2>/dev/null | sed 's/.*_//'); do
    shard=$(printf '%s/shards/001-%04d' "$sweep" "$t")
    if [ -f "$shard/journal.jsonl" ] && [ "$(wc -l <"$shard/journal.jsonl")" -eq 1 ] && ls "$shard/logs/"*.log >/dev/null 2>&1; then
      victim=$t
      break 2
    fi
  done
  sleep 1
done
[ -n "$victim" ] || fail "no task of job $job was seen running mid-cell"
sleep 1
step "scancel ${job}_$victim (mid-cell)"
scancel "${job}_$victim"

step "the same plan locally (meanwhile; contention changes only timings)"
# In the background with `wait`, so that a SIGTERM/SIGINT to this script runs its cleanup at once (bash defers
# traps until a foreground child ends); the cleanup stops this sweep too.
anneal sweep "${plan[@]}" --out "$work/local" --no-overhead --no-report >"$work/local.log" 2>&1 &
local_pid=$!
wait "$local_pid" || { cat "$work/local.log"; fail "the local sweep failed"; }
local_pid=

wait_job() {
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 1
  done
  fail "job $1 still queued after 10 minutes"
}
wait_job "$job"
victim_shard=$(printf '%s/shards/001-%04d/journal.jsonl' "$sweep" "$victim")
[ "$(wc -l <"$victim_shard")" -eq 1 ] || fail "the cancelled task's shard has records: $(cat "$victim_shard")"
grep -q "stopped by a signal" "$sweep/logs/slurm-${job}_$victim.out" || fail "task $victim did not report its SIGTERM"
anneal sweep --status "$sweep" | tee "$work/status1"
grep -qE "^  missing  1$" "$work/status1" || fail "--status does not count the cancelled cell as missing"

step "resume: resubmit the missing cell"
anneal sweep --resume --slurm "$sweep" | tee "$work/resume"
grep -q "1 of 6 cells to resubmit (1 missing" "$work/resume" || fail "--resume did not resubmit exactly the missing cell"
job2=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['jobId'])" "$sweep/submissions/002.json")
wait_job "$job2"
anneal sweep --status "$sweep" | tee "$work/status2"
grep -qE "^  done     6$" "$work/status2" || fail "--status after the resume does not count 6 done"

step "4. merged report vs local report"
anneal report "$sweep" >/dev/null
anneal report "$work/local" >/dev/null
python3 - "$sweep/journal.jsonl" "$work/local/journal.jsonl" <<'EOF'
import json, math, sys

def runs(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    assert lines[0]["type"] == "header", path
    return lines[0], [l for l in lines[1:] if l["type"] == "run"]

def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b

def val(x):
    return float("nan") if x == "NaN" else x

(h1, merged), (h2, local) = runs(sys.argv[1]), runs(sys.argv[2])
assert h1["settings"] == h2["settings"], (h1["settings"], h2["settings"])
assert h1["plan"] == h2["plan"], (h1["plan"], h2["plan"])
key = lambda r: (r["schedule"], r["seed"], r["epochs"], r["backend"])
keys = [key(r) for r in merged]
assert len(keys) == len(set(keys)) == 6, f"cells in the merged journal: {keys}"
assert sorted(keys) == sorted(key(r) for r in local), "the merged and local journals hold different cells"
byl = {key(r): r for r in local}
fields = ["status", "spec", "lr", "epochsToTarget", "bestTestAccuracy", "finalTestAccuracy", "lrStride", "lrs"]
evals = ["epoch", "step", "trainLoss", "valLoss", "valAccuracy", "testLoss", "testAccuracy", "lr"]
checked = 0
for m in merged:
    l = byl[key(m)]
    assert m["status"] != "FAILED", f"{key(m)} failed: {m['error']}"
    for f in fields:
        assert same(val(m[f]), val(l[f])), f"{key(m)} {f}: slurm {m[f]} vs local {l[f]}"
        checked += 1
    assert len(m["records"]) == len(l["records"]), key(m)
    for em, el in zip(m["records"], l["records"]):
        for f in evals:
            assert same(val(em[f]), val(el[f])), f"{key(m)} evaluation {f}: slurm {em[f]} vs local {el[f]}"
            checked += 1
statuses = sorted(r["status"] for r in merged)
print(f"slurm_sweep_test: merged == local in {checked} deterministic fields of 6 cells (statuses {statuses})")
EOF

step "5. a torn last line in a shard is ignored and reported"
printf '{"type":"run","schedule":"cos' >>"$victim_shard"
cp "$sweep/journal.jsonl" "$work/merged-before"
anneal report "$sweep" 2>"$work/report-err" >/dev/null
grep -q "incomplete last line ignored" "$work/report-err" || fail "the torn line was not reported: $(cat "$work/report-err")"
python3 - "$work/merged-before" "$sweep/journal.jsonl" <<'EOF'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])][1:]
b = [json.loads(l) for l in open(sys.argv[2])][1:]
assert a == b, "the merge changed after a torn line was appended"
EOF
step "PASS (sweep on Slurm = local sweep; scancel, resume, torn line, bad input)"
