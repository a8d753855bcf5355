#!/usr/bin/env bash
# Superseded by tools/bench_cpu.sh (issue #14: peers at their best thread settings, PyTorch 2.7.1 via DJL,
# Anneal's own data, order and weights for every peer). Kept as a name that still works.
exec "$(dirname "$0")/bench_cpu.sh" "$@"
