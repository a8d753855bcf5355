#!/usr/bin/env bash
# kernels/package.sh OUTDIR: puts the CUDA module the jar ships into OUTDIR (Maven runs this in
# generate-resources with OUTDIR = target/classes/anneal/cuda).
#
#   * nvcc on the PATH: compiles kernels/ (SASS sm_75/80/86/89/90 + PTX compute_90, and the ISA 7.0 / sm_80
#     compatibility PTX); a compile error fails the build. The fresh modules are packed.
#   * no nvcc: packs kernels/prebuilt/anneal_kernels.fatbin, the committed output of 'make prebuilt'.
#   * either way, kernels/prebuilt/ must match the sources (hash in prebuilt/sources.sha256), so a kernel
#     edit without a refreshed prebuilt fails the build and CI rather than shipping old code.
# The kernel sources go along (OUTDIR/src) so that a GPU box can rebuild the module with its own nvcc.
set -euo pipefail
out=${1:?usage: kernels/package.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/src"
make -s --no-print-directory -C "$here" stale
if command -v "${NVCC:-nvcc}" >/dev/null 2>&1; then
  make -s --no-print-directory -C "$here" fatbin compat
  cp "$here/build/anneal_kernels.fatbin" "$out/anneal_kernels.fatbin"
  cp "$here/build/anneal_kernels_compat.ptx" "$out/anneal_kernels_compat.ptx"
  echo "kernels: packed a fatbin and the ISA 7.0 compatibility PTX compiled now by $(command -v "${NVCC:-nvcc}")"
else
  cp "$here/prebuilt/anneal_kernels.fatbin" "$out/anneal_kernels.fatbin"
  cp "$here/prebuilt/anneal_kernels_compat.ptx" "$out/anneal_kernels_compat.ptx"
  echo "kernels: no nvcc on the PATH; packed kernels/prebuilt/ (fatbin + compatibility PTX; sources hash checked)"
fi
cp "$here"/*.cu "$here"/*.cuh "$here/prebuilt/sources.sha256" "$out/src/"
# the PyTorch peer of gpu-check rides along, so that the jar (or the jlink dist) alone runs the whole check
cp "$here/../tools/gpu_torch_peer.py" "$out/gpu_torch_peer.py"
