#!/usr/bin/env bash
# tools/gpu_check.sh OUTDIR [gpu-check options]: the one command for a GPU box (needs an NVIDIA driver
# r580+; see results/cuda-status.md). Runs `anneal gpu-check OUTDIR` under a 5-minute limit with the
# jlink distribution when it is unpacked next to this repository (dist/anneal/bin/anneal), else with
# target/anneal.jar and the java on the PATH. The PyTorch peer (tools/gpu_torch_peer.py) runs with
# python3 when it has torch with CUDA; set PYTHON=... to pick another interpreter.
# Results: OUTDIR/gpu-check.md (summary), kernels.txt, loss_curves.csv, torch_peer.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/gpu_check.sh OUTDIR [gpu-check options]}
shift
if [ -x dist/anneal/bin/anneal ]; then run=(dist/anneal/bin/anneal)
elif [ -f target/anneal.jar ]; then run=(java -jar target/anneal.jar)
else echo "gpu_check.sh: build first: mvn -o -q -DskipTests package (or tools/dist.sh)" >&2; exit 2
fi
exec timeout 300 "${run[@]}" gpu-check "$out" --python "${PYTHON:-python3}" "$@"
