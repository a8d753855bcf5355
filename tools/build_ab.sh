#!/usr/bin/env bash
# The CPU training step of two builds in one JVM, where the machine's drift from one minute to the next cannot reach
# the comparison (how every "B/A per round" ratio in results/train-cpu-vs-pytorch-phases.md was measured):
#
#   tools/build_ab.sh REV_A REV_B [THREADS] [ROUNDS]     (defaults: 2 threads, 30 rounds)
#
# REV_A and REV_B are git revisions, or '.' for the working tree as it is. Each is compiled (mvn -o compile) into
# target/build-ab/, its classes are loaded in a class loader of their own, and tools/build-ab/BuildAb alternates
# 200-step chunks of the trainer's shuffled batches between them (10 warm-up rounds). It runs twice, the second time
# with the class loaders swapped, and prints each run's medians, per-round ratio (median and quartiles) and whether
# the parameters and every step's loss are bit-identical, then the ratio B/A of both orders together (the geometric
# mean, so the second loader's own head start cancels) and that head start. Read ratios within 3% of 1 as no
# difference.
# The step is each build's own JMH TrainStepBench (-p backend=cpu -p order=shuffled; tools/build-ab/AbRunner).
# Needs target/anneal.jar (for the dependencies), Fashion-MNIST in /usr/share/datasets/fashion-mnist, and revisions
# whose TrainStepBench has the order parameter (43f7b84 on). About 40 s with 2 threads, 80 s with 1, plus the two
# compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: tools/build_ab.sh REV_A REV_B [THREADS] [ROUNDS]"
[ $# -ge 2 ] && [ $# -le 4 ] || { echo "build_ab: expected 2 to 4 arguments, got $#; $usage" >&2; exit 2; }
THREADS="${3:-2}"
ROUNDS="${4:-30}"
case "$THREADS" in ''|*[!0-9]*) echo "build_ab: THREADS=$THREADS is not allowed; allowed: an integer from 1 to 64" >&2; exit 2;; esac
[ "$THREADS" -ge 1 ] && [ "$THREADS" -le 64 ] || { echo "build_ab: THREADS=$THREADS is not allowed; allowed: an integer from 1 to 64" >&2; exit 2; }
case "$ROUNDS" in ''|*[!0-9]*) echo "build_ab: ROUNDS=$ROUNDS is not allowed; allowed: an integer >= 3" >&2; exit 2;; esac
[ "$ROUNDS" -ge 3 ] || { echo "build_ab: ROUNDS=$ROUNDS is not allowed; allowed: an integer >= 3" >&2; exit 2; }
JAR=target/anneal.jar
[ -f "$JAR" ] || { echo "build_ab: $JAR missing; build it with: mvn -o -q package -DskipTests" >&2; exit 2; }
WORK=target/build-ab
mkdir -p "$WORK"

# classes of one revision: prints their folder
classes() {
  if [ "$1" = . ]; then
    mvn -B -ntp -q -o compile >&2
    rm -rf "$WORK/worktree-classes" && cp -r target/classes "$WORK/worktree-classes"
    echo "$WORK/worktree-classes"
    return
  fi
  local rev
  rev=$(git rev-parse --verify --quiet "$1^{commit}") \
    || { echo "build_ab: REV=$1 is not allowed; allowed: a git revision of this repository, or '.'" >&2; exit 2; }
  local dir="$WORK/${rev:0:12}"
  if [ ! -d "$dir/target/classes/anneal" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    git archive "$rev" | tar -x -C "$dir"
    mvn -B -ntp -q -o -f "$dir/pom.xml" compile >&2
  fi
  echo "$dir/target/classes"
}
A=$(classes "$1")
B=$(classes "$2")
rm -rf "$WORK/runner" "$WORK/main"
javac -nowarn -d "$WORK/runner" -cp "$JAR" tools/build-ab/AbRunner.java
javac -nowarn -d "$WORK/main" tools/build-ab/BuildAb.java
echo "build_ab: A = $1 ($A), B = $2 ($B)" >&2
# twice, the builds' class loaders swapped: the loader set up second ran up to 3% faster with the same build in both
# (A/A runs), so one order alone can show a difference that is not there
ab() {
  java $(java -cp "$JAR" anneal.backend.JvmOptions) -cp "$WORK/main" BuildAb "$THREADS" "$ROUNDS" "$1" "$2" "$WORK/runner" "$JAR" \
    2> >(grep -v "^WARNING: Using incubator modules" >&2)
}
echo "== A in the first loader, B in the second" >&2
R1=$(ab "$A" "$B" | tee /dev/stderr | sed -n 's/^B\/A per round: median \([0-9.]*\).*/\1/p')
echo "== B in the first loader, A in the second (the ratio printed is A/B)" >&2
R2=$(ab "$B" "$A" | sed 's/^A:/B (first loader):/; s/^B:/A (second loader):/; s/^B\/A per round/A\/B per round/' | tee /dev/stderr \
  | sed -n 's/^A\/B per round: median \([0-9.]*\).*/\1/p')
python3 -c 'import math, sys; r1, r2 = float(sys.argv[1]), float(sys.argv[2]); print(f"B/A, both orders: {math.sqrt(r1 / r2):.3f} (the loaders\x27 own bias: {math.sqrt(r1 * r2):.3f})")' "$R1" "$R2"
