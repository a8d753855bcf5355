#!/bin/sh
# The full differential test of issue #16: every one of the 420 seeded random PyTorch configurations, under PyTorch
# 1.13 and PyTorch 2.x (fixtures from tools/gen_schedule_differential.py), not just the suite's seeded sample of 40.
set -e
cd "$(dirname "$0")/.."
exec mvn -B -ntp -q test -Dtest=ScheduleDifferentialTest -Danneal.differential=all "$@"
