#!/usr/bin/env bash
# Fault injection against the sweep and train commands of a built jar (run by .ci/run after the tests).
#
#   tools/fault_injection.sh [JAR]        (default: target/anneal.jar; FAULT_SEED=N picks the kill moments)
#
# Each scenario hurts a tiny sweep (2 schedules x 1 seed x 1 epoch on a generated 6,000-image IDX set in
# Fashion-MNIST's format, so it needs neither the real data nor minutes per cell), then resumes it to the end
# and checks, with a checker that does not use anneal's code (python3, below):
#   every planned cell is in the journal exactly once; no FAILED record (every fault here is the machine's,
#   never a result); every line is complete JSON; the report and its PNGs exist and are whole; no temporary
#   file is left; and no process of the jar is left behind (pgrep on this run's private copy of the jar).
# Scenarios: kill -9 of the sweep's PID (not its group) at seeded moments; SIGINT and SIGTERM to the PID (the
# in-flight fork must be dead before "interrupted" is printed: nothing appended after it); a second sweep on the
# same folder (refused, one line, exit 2) and one on another folder (both finish); a full file system (tmpfs,
# where mount is allowed) during the sweep and during the report; a read-only folder; bad input that must be
# one line and exit 2 with nothing written; train --out over a journal; kill -9 and SIGTERM of train.
# Prints "N passed, N failed" and exits non-zero when a check failed.
set -u
cd "$(dirname "$0")/.."
SRC_JAR=${1:-target/anneal.jar}
[ -f "$SRC_JAR" ] || { echo "fault_injection: no jar at $SRC_JAR (mvn -B -ntp package -DskipTests first)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "fault_injection: python3 is needed for the checker" >&2; exit 2; }
SEED=${FAULT_SEED:-20261201}
RANDOM=$SEED
W=$(mktemp -d /tmp/anneal-faults.XXXXXX)
JAR=$W/anneal.jar
cp "$SRC_JAR" "$JAR"
START=$(date +%s)
PASS=0
FAIL=0
SKIP=0
MOUNTED=""
cleanup() {
  for p in $(pgrep -f "$JAR"); do kill -9 "$p" 2>/dev/null; done
  for m in $MOUNTED; do umount "$m" 2>/dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT

pass() { PASS=$((PASS + 1)); echo "ok    $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL  $*"; }
skip() { SKIP=$((SKIP + 1)); echo "skip  $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# A background job of a non-interactive shell ignores SIGINT; restore the default so the JVM sees it as a user would.
# An array, not a function: "$!" of a backgrounded function is a subshell's PID, not the JVM's (env execs java).
anneal=(env --default-signal=INT java -jar "$JAR")
COMMON=(--backend cpu --data "$W/data" --schedules constant,cosine --seeds 1 --epochs 1 --target 0.5
        --no-overhead)

# No process of this jar (launcher, relaunched JVM, JMH forks) within $1 seconds.
no_process_left() {
  local limit=$(( ${1:-5} * 10 ))
  for _ in $(seq 1 "$limit"); do
    pgrep -f "$JAR" >/dev/null || return 0
    sleep 0.1
  done
  pgrep -af "$JAR" | cut -c1-160 >&2
  return 1
}
lines() { [ -f "$1/journal.jsonl" ] && wc -l < "$1/journal.jsonl" || echo 0; }
stderr_lines() { tr '\r' '\n' < "$1" | grep -c . ; }
wait_for_records() { # DIR N TIMEOUT: until the journal has N records
  for _ in $(seq 1 $(( $3 * 10 ))); do [ "$(lines "$1")" -gt "$2" ] && return 0; sleep 0.1; done; return 1
}
wait_for_fork() { # until a JMH fork of this jar trains a cell (TIMEOUT s)
  for _ in $(seq 1 $(( $1 * 10 ))); do pgrep -f "$JAR.*ForkedMain" >/dev/null && return 0; sleep 0.1; done; return 1
}

# The checker: independent of anneal's Java code.
cat > "$W/check.py" <<'EOF'
import json, os, sys
d = sys.argv[1]
problems = []
raw = open(os.path.join(d, "journal.jsonl"), "rb").read()
if not raw.endswith(b"\n"):
    problems.append("journal ends with an incomplete line")
rows = [json.loads(l) for l in raw.decode().splitlines() if l.strip()]
head, runs = rows[0], rows[1:]
plan = head["plan"]
cells = {(s, e, n) for e in plan["epochs"] for n in plan["seeds"] for s in plan["schedules"]}
seen = {}
for r in runs:
    key = (r["schedule"], r["epochs"], r["seed"])
    seen[key] = seen.get(key, 0) + 1
    if key not in cells: problems.append("record outside the plan: %s" % (key,))
    if r["status"] == "FAILED": problems.append("FAILED record for %s: %s" % (key, r.get("error")))
for c in cells:
    if seen.get(c, 0) != 1: problems.append("cell %s recorded %d times" % (c, seen.get(c, 0)))
names = os.listdir(d)
if "REPORT.md" not in names: problems.append("no REPORT.md")
for n in names:
    if ".tmp" in n: problems.append("temporary file left: " + n)
    if n.endswith(".png"):
        b = open(os.path.join(d, n), "rb").read()
        if not (b.startswith(b"\x89PNG\r\n\x1a\n") and b[-12:].endswith(b"IEND\xaeB`\x82")):
            problems.append("half-written PNG: " + n)
    if n.endswith(".json"):
        try: json.load(open(os.path.join(d, n)))
        except ValueError: problems.append("invalid JSON: " + n)
print("; ".join(problems) if problems else "%d cells, each recorded once" % len(cells))
sys.exit(1 if problems else 0)
EOF
journal_ok() { # DIR: the journal well-formed so far (complete lines, no cell twice, no FAILED)
  python3 - "$1" <<'EOF'
import json, sys, os
f = os.path.join(sys.argv[1], "journal.jsonl")
if not os.path.exists(f): sys.exit(0)
raw = open(f, "rb").read()
if raw and not raw.endswith(b"\n"): print("torn last line"); sys.exit(1)
rows = [json.loads(l) for l in raw.decode().splitlines() if l.strip()]
keys = [(r["schedule"], r["seed"], r["epochs"]) for r in rows[1:]]
bad = len(keys) != len(set(keys)) or any(r["status"] == "FAILED" for r in rows[1:])
if bad: print("duplicate or FAILED records:", keys); sys.exit(1)
EOF
}
complete_ok() { local out; out=$(python3 "$W/check.py" "$1"); local rc=$?; echo "      $out"; return $rc; }
resume_to_end() { # DIR: --resume (or a first start when the kill came before the journal) until done
  if [ -f "$1/journal.jsonl" ]; then "${anneal[@]}" sweep --resume --out "$1" --no-overhead >"$W/resume.out" 2>"$W/resume.err"
  else "${anneal[@]}" sweep --out "$1" "${COMMON[@]}" >"$W/resume.out" 2>"$W/resume.err"; fi
  local rc=$?
  [ $rc -eq 0 ] || { echo "      resume exit $rc: $(tr '\r' '\n' < "$W/resume.err" | grep -v '^sweep .*%' | tail -2)"; }
  return $rc
}

echo "fault injection: seed $SEED, work folder $W"
python3 - "$W/data" <<'EOF'
# 6,000 train + 1,000 test 28x28 images in IDX format: each class lights one band of rows, plus noise.
import gzip, os, random, struct, sys
out = sys.argv[1]; os.makedirs(out)
rng = random.Random(7)
for prefix, n in (("train", 6000), ("t10k", 1000)):
    labels = bytes(rng.randrange(10) for _ in range(n))
    rows = [bytes(200 if r // 3 == l else rng.randrange(40) for r in range(28) for _ in range(28)) for l in labels]
    with gzip.open(os.path.join(out, prefix + "-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">4i", 0x803, n, 28, 28) + b"".join(rows))
    with gzip.open(os.path.join(out, prefix + "-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">2i", 0x801, n) + labels)
EOF

# --- 1. kill -9 of the PID at seeded moments ---------------------------------------------------------------------
K=$W/kill9
# Three kinds of moment, each with a seeded offset: while the JVMs start (before or around the journal's
# creation), while a fork trains a cell, and just after a record was appended (around the next fork's start).
for moment in startup training after-append; do
  if [ -f "$K/journal.jsonl" ]; then "${anneal[@]}" sweep --resume --out "$K" --no-overhead >/dev/null 2>&1 &
  else "${anneal[@]}" sweep --out "$K" "${COMMON[@]}" >/dev/null 2>&1 & fi
  pid=$!
  case $moment in
    startup) delay=$(( RANDOM % 30 + 10 )) ;;                      # 1.0 .. 3.9 s after the start
    training) wait_for_fork 60; delay=$(( RANDOM % 40 )) ;;        # 0 .. 3.9 s into a cell
    after-append) cur=$(lines "$K"); [ "$cur" -ge 1 ] || cur=1        # 0 .. 0.4 s after the next record
                  wait_for_records "$K" "$cur" 90; delay=$(( RANDOM % 5 )) ;;
  esac
  sleep "$((delay / 10)).$((delay % 10))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check "kill -9 during $moment (+${delay}00 ms): no process left within 3 s" no_process_left 3
  before=$(lines "$K"); sleep 1
  check "kill -9 during $moment: nothing appended afterwards, journal well-formed ($before lines)" \
    test "$(lines "$K")" = "$before" -a -z "$(journal_ok "$K")"
done
check "kill -9: --resume completes" resume_to_end "$K"
check "kill -9: every cell once, report whole" complete_ok "$K"
check "kill -9: no process left" no_process_left 5
"${anneal[@]}" sweep --resume --extend --schedules onecycle --out "$K" --no-overhead >/dev/null 2>"$W/extend.err"; rc=$?
check "--resume --extend --schedules onecycle: runs the added cell (exit $rc)" test "$rc" = 0
check "--extend: the header's plan has 3 schedules, every cell once" \
  bash -c "python3 -c \"import json; assert len(json.loads(open('$K/journal.jsonl').readline())['plan']['schedules']) == 3\" && python3 '$W/check.py' '$K' >/dev/null"

# --- 2. SIGINT and SIGTERM to the PID while a fork trains ---------------------------------------------------------
S=$W/signals
for sig in INT TERM; do
  if [ -f "$S/journal.jsonl" ]; then "${anneal[@]}" sweep --resume --out "$S" --no-overhead >"$W/sig.out" 2>"$W/sig.err" &
  else "${anneal[@]}" sweep --out "$S" "${COMMON[@]}" >"$W/sig.out" 2>"$W/sig.err" & fi
  pid=$!
  wait_for_fork 60; sleep 1
  kill -"$sig" "$pid"
  wait "$pid"; rc=$?
  expected=$([ $sig = INT ] && echo 130 || echo 143)
  check "SIG$sig: exit $expected (got $rc)" test "$rc" = "$expected"
  check "SIG$sig: 'interrupted' is the last thing said" \
    bash -c "tr '\r' '\n' < '$W/sig.err' | grep . | tail -1 | grep -q '^sweep interrupted; every finished cell is in'"
  check "SIG$sig: no process left" no_process_left 3
  before=$(lines "$S"); sleep 1
  check "SIG$sig: nothing appended after the message" test "$(lines "$S")" = "$before" -a -z "$(journal_ok "$S")"
done
check "signals: --resume completes" resume_to_end "$S"
check "signals: every cell once, report whole" complete_ok "$S"

# --- 3. a second sweep on the same folder, and one on another folder ---------------------------------------------
A=$W/same
B=$W/other
"${anneal[@]}" sweep --out "$A" "${COMMON[@]}" >/dev/null 2>"$W/a.err" & pa=$!
wait_for_records "$A" 0 60
"${anneal[@]}" sweep --resume --out "$A" --no-overhead >/dev/null 2>"$W/second.err"; rc=$?
check "same folder: second sweep refused, exit 2 (got $rc)" test "$rc" = 2
check "same folder: one line naming the other sweep's pid" \
  bash -c "[ \$(grep -c . '$W/second.err') = 1 ] && grep -q 'another sweep (pid [0-9]*) is running in' '$W/second.err'"
"${anneal[@]}" sweep --out "$B" "${COMMON[@]}" >/dev/null 2>"$W/b.err" & pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
check "two folders at once: both finish (exit $ra, $rb)" test "$ra$rb" = "00"
check "same folder: every cell once, report whole" complete_ok "$A"
check "other folder: every cell once, report whole" complete_ok "$B"
check "concurrent: no process left" no_process_left 5

# --- 4. a full file system and a read-only folder (tmpfs) --------------------------------------------------------
T=$W/tmpfs
mkdir -p "$T"
if mount -t tmpfs -o size=3m tmpfs "$T" 2>/dev/null; then
  MOUNTED="$T"
  F=$T/sweep
  # Where the fill lands depends on the journal's last tmpfs page: a record that still fits there is written, and
  # then the report fails instead. Either way: one line naming the cause, nothing torn, nothing FAILED. The
  # append itself failing is checked deterministically below (a file-size limit).
  "${anneal[@]}" sweep --out "$F" "${COMMON[@]}" >/dev/null 2>"$W/full.err" & pf=$!
  wait_for_records "$F" 1 90
  dd if=/dev/zero of="$T/filler" bs=4k >/dev/null 2>&1   # fills the file system
  wait "$pf"; rc=$?
  msg=$(tr '\r' '\n' < "$W/full.err" | grep -v '^sweep .*%' | grep . | tail -1)
  echo "      full disk: exit $rc: $msg"
  check "full disk: the sweep stops (exit 75) or its report fails (exit 1), not 0 (got $rc)" test "$rc" = 75 -o "$rc" = 1
  check "full disk: the message names the cause" bash -c "grep -Eqi 'no space left|disk is full' <<< \"\$1\"" _ "$msg"
  check "full disk: journal well-formed, no FAILED record" test -z "$(journal_ok "$F")"
  check "full disk: no half-written file under a real name, no temporary file" \
    bash -c "python3 '$W/check.py' '$F' | grep -vq 'half-written\|invalid JSON\|temporary file'"
  rm -f "$T/filler"
  sum=$(md5sum < "$F/journal.jsonl")
  mount -o remount,ro "$T"
  "${anneal[@]}" sweep --resume --out "$F" --no-overhead >/dev/null 2>"$W/ro.err"; rc=$?
  check "read-only folder: --resume refused, exit 2 (got $rc), one line" \
    bash -c "[ $rc = 2 ] && [ \$(grep -c . '$W/ro.err') = 1 ] && grep -q 'not writable' '$W/ro.err'"
  check "read-only folder: journal unchanged" test "$(md5sum < "$F/journal.jsonl")" = "$sum"
  mount -o remount,rw "$T"
  check "full disk + read-only: --resume completes" resume_to_end "$F"
  check "full disk + read-only: every cell once, report whole" complete_ok "$F"
  # The report on a full disk: fails naming the cause and leaves the previous report and plots whole.
  rsum=$(md5sum < "$F/REPORT.md")
  dd if=/dev/zero of="$T/filler" bs=4k >/dev/null 2>&1
  "${anneal[@]}" report "$F" >/dev/null 2>"$W/report.err"; rc=$?
  check "full disk: report fails (exit $rc) naming the cause in one line" \
    bash -c "[ $rc != 0 ] && [ \$(grep -c . '$W/report.err') = 1 ] && grep -qi 'no space left' '$W/report.err'"
  check "full disk: previous REPORT.md unchanged" test "$(md5sum < "$F/REPORT.md")" = "$rsum"
  check "full disk: PNGs whole, no temporary file" complete_ok "$F"
  rm -f "$T/filler"
  umount "$T" && MOUNTED=""
else
  skip "full disk and read-only folder: mount -t tmpfs is not allowed here"
fi

# A failing journal append, deterministically: once the first record is in, the running sweep's processes get
# a file-size limit of the journal's current size (prlimit), so the next append fails (EFBIG, as ulimit -f would). The journal must
# be cut back to that size, the sweep stop with one line naming the cause (exit 75), and --resume finish.
if command -v prlimit >/dev/null; then
  L=$W/fsize
  "${anneal[@]}" sweep --out "$L" "${COMMON[@]}" >/dev/null 2>"$W/fsize.err" & pl=$!
  wait_for_records "$L" 1 90
  size=$(stat -c %s "$L/journal.jsonl")
  # not the launcher: it writes the captured stderr into a plain file here, which the limit would cut off
  for _ in 1 2; do for p in $(pgrep -f "$JAR"); do [ "$p" = "$pl" ] || prlimit --pid "$p" --fsize="$size"; done; sleep 0.2; done
  wait "$pl"; rc=$?
  msg=$(tr '\r' '\n' < "$W/fsize.err" | grep -v '^sweep .*%' | grep . | tail -1)
  echo "      append fails: exit $rc: $msg"
  check "append fails: the sweep stops, exit 75 (got $rc)" test "$rc" = 75
  check "append fails: one line naming the cause" bash -c "grep -q '^anneal sweep: sweep stopped at .*File too large' <<< \"\$1\"" _ "$msg"
  check "append fails: journal cut back to its last complete record ($size bytes)" \
    test "$(stat -c %s "$L/journal.jsonl")" = "$size" -a -z "$(journal_ok "$L")"
  check "append fails: --resume completes" resume_to_end "$L"
  check "append fails: every cell once, report whole" complete_ok "$L"
else
  skip "failing append: prlimit is not installed"
fi
check "file systems: no process left" no_process_left 5

# --- 5. bad input: one line, exit 2, nothing written -------------------------------------------------------------
bad_input() { # NAME FOLDER ARGS...: exit 2, one stderr line (no JVM warning), FOLDER not created
  local name=$1 dir=$2; shift 2
  "${anneal[@]}" "$@" >/dev/null 2>"$W/bad.err"; local rc=$?
  check "bad input $name: exit 2 (got $rc), one stderr line, nothing written: $(head -c 110 "$W/bad.err")" \
    bash -c "[ $rc = 2 ] && [ \$(grep -c . '$W/bad.err') = 1 ] && ! grep -q WARNING '$W/bad.err' && [ ! -e '$dir' ]"
}
bad_input "--fork-jvm-arg -Xbogus" "$W/bad1" sweep --out "$W/bad1" "${COMMON[@]}" --fork-jvm-arg -Xbogus
mkdir -p "$W/nodata"
bad_input "--data without files" "$W/bad2" sweep --out "$W/bad2" --backend cpu --data "$W/nodata" --no-overhead
bad_input "--target 2" "$W/bad3" sweep --out "$W/bad3" --target 2
bad_input "--resume --seeds 5 (differs from the header)" "$W/nothing" sweep --resume --out "$K" --seeds 5
bad_input "--resume --full (differs from the header)" "$W/nothing" sweep --resume --out "$K" --full
bad_input "--extend without --resume" "$W/bad4" sweep --out "$W/bad4" --extend
sum=$(md5sum < "$K/journal.jsonl")
bad_input "train --out over a sweep journal" "$W/nothing" train --schedule "StepLR(step_size=1)" --epochs 1 \
  --backend cpu --data "$W/data" --out "$K/journal.jsonl"
check "train --out: the journal is unchanged" test "$(md5sum < "$K/journal.jsonl")" = "$sum"

# --- 6. train: kill -9 stops training; SIGTERM saves an interrupted record ---------------------------------------
# 2000 epochs of the small set: about 50 s, so the kill at 6 s always comes first (200 epochs, 47 steps each, had
# become short enough to finish in 6-7 s on the AVX-512 Xeon at 86c04d3, and the check then found the run's --out)
"${anneal[@]}" train --schedule "StepLR(step_size=1)" --epochs 2000 --no-stop --backend cpu --data "$W/data" --quiet \
  --out "$W/train-kill.json" >/dev/null 2>&1 & pt=$!
sleep 6; kill -9 "$pt"; wait "$pt" 2>/dev/null
check "train kill -9: training stops (no process left within 3 s)" no_process_left 3
check "train kill -9: no half-written --out" bash -c "[ ! -e '$W/train-kill.json' ]"
# SIGTERM while the data loads (the real Fashion-MNIST where installed: 70,000 images take a while) and while
# training: either way --out must say "interrupted" (2000 epochs, so that even the small set outlasts the 12 s).
TDATA=$W/data
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && TDATA=/usr/share/datasets/fashion-mnist
for moment in loading training; do
  "${anneal[@]}" train --schedule "StepLR(step_size=1)" --epochs 2000 --no-stop --backend cpu --data "$TDATA" --quiet \
    --out "$W/train-term.json" >/dev/null 2>&1 & pt=$!
  child=""
  for _ in $(seq 1 600); do child=$(pgrep -f "watch.pid=$pt .*train"); [ -n "$child" ] && break; sleep 0.05; done
  if [ $moment = loading ]; then   # until the relaunched JVM has an IDX file open: it is loading the data
    for _ in $(seq 1 1200); do ls -l /proc/"$child"/fd 2>/dev/null | grep -q 'idx[13]-ubyte' && break; sleep 0.025; done
  else
    sleep 12
  fi
  kill -TERM "$pt"; wait "$pt" 2>/dev/null
  check "train SIGTERM while $moment: --out says interrupted" python3 -c "import json,sys; \
d = json.load(open('$W/train-term.json')); print('      error:', d['error'], '| records:', len((d['run'] or {}).get('records', []))); \
sys.exit(0 if d['interrupted'] else 1)"
  rm -f "$W/train-term.json"
done
check "train: no process left" no_process_left 3

echo "fault injection: $PASS passed, $FAIL failed, $SKIP skipped in $(( $(date +%s) - START )) s (seed $SEED)"
[ "$FAIL" -eq 0 ]
