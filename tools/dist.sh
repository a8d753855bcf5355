#!/usr/bin/env bash
# tools/dist.sh: a self-contained Anneal for GPU boxes without a JDK: a jlink Java runtime + the jar.
#
#   tools/dist.sh            -> dist/anneal/ (bin/anneal launcher, runtime/, anneal.jar) and dist/anneal-linux-x64.tar.gz
#
# Builds target/anneal.jar first when it is missing (mvn -o -q -DskipTests package). The runtime holds
# only the modules the jar needs (found by jdeps; jdk.incubator.vector for the CPU backend), stripped and
# compressed. The jar copy in the dist drops JCuda's natives that Anneal never loads (NVRTC, nvPTX
# compiler, runtime API: only the driver API is used). Fails when the result is 60 MB or more.
# Copy dist/anneal-linux-x64.tar.gz to the GPU box, untar, run: anneal/bin/anneal gpu-check OUT
#
# The runtime comes from Temurin's JDK (ANNEAL_DIST_JDK, default: the oldest /usr/lib/jvm/temurin-* JDK, whose
# runtime is the smallest): its native libraries link against glibc 2.17, so the dist runs on old GPU-box
# distributions; Debian's OpenJDK needs glibc 2.34+. Size limit 60 MB (ANNEAL_DIST_LIMIT_MB): a Temurin 25
# runtime alone is ~57 MB (its libjvm.so is 24 MB stripped), which puts the dist at 69 MB, over the limit;
# Temurin 17 or 21 keeps it under.
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT_MB=${ANNEAL_DIST_LIMIT_MB:-60}
jdk=${ANNEAL_DIST_JDK:-$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | head -1)}
if [ -z "$jdk" ] || [ ! -x "$jdk/bin/jlink" ]; then
  echo "dist.sh: ANNEAL_DIST_JDK: no Temurin JDK with jlink at '${jdk:-/usr/lib/jvm/temurin-*}'; install one or point ANNEAL_DIST_JDK at a JDK" >&2
  exit 2
fi
[ -f target/anneal.jar ] || mvn -o -q -ntp -DskipTests package
rm -rf dist/anneal dist/anneal-linux-x64.tar.gz
mkdir -p dist/anneal/bin
modules=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps target/anneal.jar)
modules="$modules,jdk.incubator.vector"
compress=--compress=2
"$jdk/bin/jlink" --help 2>/dev/null | grep -q 'zip-\[0-9\]' && compress=--compress=zip-6  # JDK 21+ spelling
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "$compress" \
      --output dist/anneal/runtime 2>&1 | grep -v "WARNING: Using incubator modules" || true
[ -x dist/anneal/runtime/bin/java ] || { echo "dist.sh: jlink failed" >&2; exit 1; }
# the JDK's shared libraries keep their symbol tables (libjvm.so: ~4 MB of them); the JVM does not need them
if command -v strip >/dev/null; then find dist/anneal/runtime -name '*.so' -exec strip --strip-unneeded {} +; fi
cp target/anneal.jar dist/anneal/anneal.jar
zip -q -d dist/anneal/anneal.jar 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*' 'lib/libJCudaRuntime-*' 'lib/*.dll' 'lib/*.dylib' >/dev/null 2>&1 || true
cat > dist/anneal/bin/anneal <<'LAUNCHER'
#!/bin/sh
# Anneal with its bundled Java runtime (no JDK needed).
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/runtime/bin/java" --add-modules=jdk.incubator.vector -jar "$here/anneal.jar" "$@"
LAUNCHER
chmod +x dist/anneal/bin/anneal
tar -C dist -czf dist/anneal-linux-x64.tar.gz anneal
size_mb=$(du -sm dist/anneal | cut -f1)
tar_mb=$(( $(stat -c %s dist/anneal-linux-x64.tar.gz) / 1048576 ))
echo "dist/anneal: ${size_mb} MB unpacked (runtime from $jdk; modules: $modules); dist/anneal-linux-x64.tar.gz: ${tar_mb} MB"
if [ "$size_mb" -ge "$LIMIT_MB" ]; then
  echo "dist.sh: ${size_mb} MB is over the ${LIMIT_MB} MB limit (runtime from $jdk; an older Temurin, 17 or 21, is smaller; ANNEAL_DIST_LIMIT_MB raises the limit)" >&2
  exit 1
fi
