#!/usr/bin/env bash
# kernels/standin/gen_jcuda_symbols.sh [NATIVES_JAR]: writes kernels/standin/jcuda_symbols.txt, every
# CUDA driver symbol (cu*) that JCuda's native driver library references, one per line, sorted. The
# stand-in (standin.cpp) implements some of them; gen_unsupported.sh turns the rest into functions that
# return CUDA_ERROR_NOT_SUPPORTED, so JCuda's lazy binding never meets an undefined symbol (which would
# abort the JVM). Default jar: JCuda 12.6.0's linux-x86_64 natives in the local Maven repository.
#   --check   compare with the committed list instead of writing it (exit 1 when they differ)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
jar=${1:-${HOME}/.m2/repository/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar}
[ -f "$jar" ] || { echo "gen_jcuda_symbols.sh: no JCuda natives jar at $jar (run 'mvn dependency:resolve' first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q -o "$jar" 'lib/libJCudaDriver-*-linux-x86_64.so')
lib=$(ls "$tmp"/lib/libJCudaDriver-*-linux-x86_64.so)
nm -D --undefined-only "$lib" | awk '{print $2}' | grep -E '^cu[A-Z]' | sed 's/@.*//' | LC_ALL=C sort -u > "$tmp/symbols.txt"
if [ $check = 1 ]; then
  if cmp -s "$tmp/symbols.txt" "$here/jcuda_symbols.txt"; then echo "jcuda_symbols.txt matches $(basename "$lib") ($(wc -l < "$tmp/symbols.txt") symbols)"
  else echo "kernels/standin/jcuda_symbols.txt does not match $(basename "$lib"); run kernels/standin/gen_jcuda_symbols.sh" >&2; diff "$here/jcuda_symbols.txt" "$tmp/symbols.txt" >&2 || true; exit 1; fi
else
  cp "$tmp/symbols.txt" "$here/jcuda_symbols.txt"
  echo "wrote $here/jcuda_symbols.txt: $(wc -l < "$here/jcuda_symbols.txt") symbols from $(basename "$lib")"
fi
