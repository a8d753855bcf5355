#!/usr/bin/env bash
# tools/dist.sh: a self-contained Anneal for GPU boxes without a JDK: a jlink Java runtime + the jar.
#
#   tools/dist.sh            -> dist/anneal/ (bin/anneal launcher, runtime/, anneal.jar) and dist/anneal-linux-x64.tar.gz
#
# Builds target/anneal.jar first when it is missing (mvn -o -q -DskipTests package). The runtime holds
# only the modules the trimmed jar needs (found by jdeps; jdk.incubator.vector for the CPU backend), stripped and
# compressed. The jar copy in the dist drops JCuda's natives that Anneal never loads (NVRTC, nvPTX
# compiler, runtime API: only the driver API is used). Fails when the result is 60 MB or more.
# Copy dist/anneal-linux-x64.tar.gz to the GPU box, untar, run: anneal/bin/anneal gpu-check OUT
#
# The runtime comes from Temurin's JDK (ANNEAL_DIST_JDK, default: the oldest /usr/lib/jvm/temurin-* JDK, whose
# runtime is the smallest): its native libraries link against glibc 2.17, so the dist runs on old GPU-box
# distributions; Debian's OpenJDK needs glibc 2.34+. Size limit 60 MB (ANNEAL_DIST_LIMIT_MB).
# What keeps a Temurin 25 runtime under it (it was 70 MB with everything): the dist is the GPU-box edition, for
# gpu-check, train and sweep: the chart and PDF libraries (XChart, PDFBox, VectorGraphics2D, gif encoder) leave
# the jar copy, so jdeps no longer asks for java.desktop (charts are its only user), the launcher refuses the
# three chart commands ('report', 'lr-find', 'schedule --plot') with one line, the modules are jlinked with
# --compress=zip-9 (JDK 21+; --compress=2 before) and the native libraries are stripped.
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
# the jar copy drops JCuda's natives that Anneal never loads (NVRTC, nvPTX compiler, runtime API) and the chart
# and PDF libraries (only 'report', 'lr-find' and 'schedule --plot' use them; the launcher refuses those)
cp target/anneal.jar dist/anneal/anneal.jar
zip -q -d dist/anneal/anneal.jar 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*' 'lib/libJCudaRuntime-*' 'lib/*.dll' 'lib/*.dylib' \
    'org/apache/pdfbox/*' 'org/apache/fontbox/*' 'org/knowm/*' 'de/erichseifert/*' 'de/rototor/*' 'com/madgag/*' \
    'anneal/report/Charts*' 'anneal/report/ChapterCharts*' 'anneal/report/SchedulePlot*' >/dev/null 2>&1 || true
modules=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps dist/anneal/anneal.jar)
# java.desktop stays out: after the trim its only users are optional ones that Anneal never reaches (Jackson's
# java.beans annotation support, which Jackson loads reflectively and skips when absent; commons-math's
# 2-D Line.getTransform); any other user fails the build here
desktop_users=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps -verbose:class dist/anneal/anneal.jar 2>/dev/null \
  | awk '$NF == "java.desktop" && $1 != "anneal.jar" {print $1}' | sort -u \
  | grep -v -x -e 'com.fasterxml.jackson.databind.ext.Java7SupportImpl' -e 'org.apache.commons.math3.geometry.euclidean.twod.Line' || true)
if [ -n "$desktop_users" ]; then
  echo "dist.sh: classes of the trimmed jar need java.desktop: $(echo $desktop_users) (a bug in dist.sh: a new chart user?)" >&2
  exit 70
fi
modules=$( (echo "$modules" | tr ',' '\n'; echo jdk.incubator.vector) | grep -v -x java.desktop | sort -u | paste -sd, -)
compress=--compress=2
"$jdk/bin/jlink" --help 2>/dev/null | grep -q 'zip-\[0-9\]' && compress=--compress=zip-9  # JDK 21+ spelling
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "$compress" \
      --output dist/anneal/runtime 2>&1 | grep -v "WARNING: Using incubator modules" || true
[ -x dist/anneal/runtime/bin/java ] || { echo "dist.sh: jlink failed" >&2; exit 1; }
# the JDK's shared libraries keep their symbol tables (libjvm.so: ~4 MB of them); the JVM does not need them
if command -v strip >/dev/null; then find dist/anneal/runtime -name '*.so' -exec strip --strip-unneeded {} +; fi
cat > dist/anneal/bin/anneal <<'LAUNCHER'
#!/bin/sh
# Anneal with its bundled Java runtime (no JDK needed).
here=$(cd "$(dirname "$0")/.." && pwd)
# the GPU-box edition has no chart libraries (tools/dist.sh): the three chart commands say so
for a in "$@"; do
  case "$a" in --plot|--plot=*) echo "anneal: --plot: charts are not in this GPU-box distribution; run 'schedule --plot' with anneal.jar on a Java 17+ machine" >&2; exit 2;; esac
done
case "${1:-}" in report|lr-find) echo "anneal: $1: charts are not in this GPU-box distribution; run it with anneal.jar on a Java 17+ machine" >&2; exit 2;; esac
exec "$here/runtime/bin/java" @JVM_OPTIONS@ -jar "$here/anneal.jar" "$@"
LAUNCHER
# the JVM options the CPU backend needs, from their one source (anneal.backend.JvmOptions)
sed -i "s|@JVM_OPTIONS@|$("$jdk/bin/java" -cp dist/anneal/anneal.jar anneal.backend.JvmOptions)|" dist/anneal/bin/anneal
chmod +x dist/anneal/bin/anneal
tar -C dist -czf dist/anneal-linux-x64.tar.gz anneal
size_mb=$(du -sm dist/anneal | cut -f1)
tar_mb=$(( $(stat -c %s dist/anneal-linux-x64.tar.gz) / 1048576 ))
echo "dist/anneal: ${size_mb} MB unpacked (runtime from $jdk; modules: $modules); dist/anneal-linux-x64.tar.gz: ${tar_mb} MB"
if [ "$size_mb" -ge "$LIMIT_MB" ]; then
  echo "dist.sh: ${size_mb} MB is over the ${LIMIT_MB} MB limit (runtime from $jdk; ANNEAL_DIST_LIMIT_MB raises the limit)" >&2
  exit 1
fi
