#!/usr/bin/env bash
# tools/gpu_check.sh OUTDIR [gpu-check options]: the one command for a GPU box (needs an NVIDIA driver
# r525+; r580+ for the packed fatbin, older drivers get the compatibility PTX; see results/cuda-status.md).
# Runs `anneal gpu-check OUTDIR` under a 5-minute limit with the jlink distribution when it is unpacked next
# to this repository (dist/anneal/bin/anneal), else with target/anneal.jar and the java on the PATH.
# The PyTorch peer (tools/gpu_torch_peer.py) runs with python3 when it has torch with CUDA; set PYTHON=...
# or pass --python to pick another interpreter. Checked first, each with its own message and exit 2:
# the data folder (--data DIR, default /usr/share/datasets/fashion-mnist), and that the temp folder JCuda
# unpacks its native library into is not mounted noexec (a noexec /tmp otherwise looks like "no driver").
# Results: OUTDIR/gpu-check.md (summary), kernels.txt, loss_curves.csv, torch_peer.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/gpu_check.sh OUTDIR [gpu-check options]}
shift
data=/usr/share/datasets/fashion-mnist
user_python=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --python|--python=*) user_python=1 ;;
    --data) data=${args[$((i + 1))]:-} ;;
    --data=*) data=${args[$i]#--data=} ;;
  esac
done
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  if [ ! -f "$data/$f.gz" ] && [ ! -f "$data/$f" ]; then
    echo "gpu_check.sh: --data: no Fashion-MNIST in '$data' ($f(.gz) missing); pass --data DIR or apt-get install dataset-fashion-mnist" >&2
    exit 2
  fi
done
tmp=${TMPDIR:-/tmp}
if command -v findmnt >/dev/null && findmnt -no OPTIONS --target "$tmp" 2>/dev/null | tr ',' '\n' | grep -qx noexec; then
  mkdir -p "$out/.tmp"
  if findmnt -no OPTIONS --target "$out/.tmp" 2>/dev/null | tr ',' '\n' | grep -qx noexec; then
    echo "gpu_check.sh: TMPDIR: '$tmp' and OUTDIR are mounted noexec, so JCuda cannot load its native library; set TMPDIR to a folder on an exec mount" >&2
    exit 2
  fi
  echo "gpu_check.sh: '$tmp' is mounted noexec; JCuda unpacks its native library into $out/.tmp instead" >&2
  export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-Djava.io.tmpdir=$(cd "$out/.tmp" && pwd)"
fi
if [ -x dist/anneal/bin/anneal ]; then run=(dist/anneal/bin/anneal)
elif [ -f target/anneal.jar ]; then run=(java -jar target/anneal.jar)
else echo "gpu_check.sh: build first: mvn -o -q -DskipTests package (or tools/dist.sh)" >&2; exit 2
fi
py=()
[ $user_python = 1 ] || py=(--python "${PYTHON:-python3}")
exec timeout 300 "${run[@]}" gpu-check "$out" "${py[@]}" "$@"
