# Sourced by the other scripts: finds a JDK 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25, then /usr/lib/jvm/*25*, then the first java on PATH that is 25.
cria_is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -q 'version "25'; }
if [ -n "${JAVA_HOME:-}" ] && cria_is_jdk25 "$JAVA_HOME"; then :; else
  JAVA_HOME=""
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25* /opt/jdk-25*; do
    if cria_is_jdk25 "$d"; then JAVA_HOME="$d"; break; fi
  done
  if [ -z "$JAVA_HOME" ] && command -v javac >/dev/null; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    cria_is_jdk25 "$d" && JAVA_HOME="$d"
  fi
  if [ -z "$JAVA_HOME" ]; then
    echo "cria: JDK 25 not found (looked at \$JAVA_HOME, /usr/lib/jvm/*25*, PATH). Install Temurin 25." >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# C2 flags for the Vector API kernels. A small helper (QuantVectors.splat, VectorKQuantKernels.affine)
# that C2 happens to compile on its own first is then no longer inlined into the kernels (its compiled
# code counts as too big), every vector it returns is boxed, and the run is 2-3x slower: Q4_K_M
# generation came out at 3.2-3.5 or 7.8-8.0 tokens/s from run to run. Forcing these static helpers
# inline removes the lottery (5 of 5 runs fast).
CRIA_JIT_FLAGS="-XX:CompileCommand=quiet"
for c in QuantVectors WeightBytes VectorKQuantKernels VectorQ32Kernels VectorFloatKernels; do
  CRIA_JIT_FLAGS="$CRIA_JIT_FLAGS -XX:CompileCommand=inline,dev.cria.kernels.$c::*"
done
# ... and the float types' per-class decode16 / decode1
CRIA_JIT_FLAGS="$CRIA_JIT_FLAGS -XX:CompileCommand=inline,dev.cria.kernels.VectorFloatKernels\$*::decode*"
# The interleaved integer kernels are compiled on their own, never inlined into the driver's jobs (Q8MatMul): inlined
# or not depended on timing (whether a kernel already had compiled code when its job was compiled),
# and inlined, the job went past C2's node budget and boxed vectors (the same command ran 2-6x
# slower in some JVMs: docs/benchmarks.md, "JIT flags").
for c in Q4_0InterleavedDot Q4_KInterleavedDot Q6_KInterleavedDot Q4_0InterleavedDot256 Q4_KInterleavedDot256 Q6_KInterleavedDot256; do
  CRIA_JIT_FLAGS="$CRIA_JIT_FLAGS -XX:CompileCommand=dontinline,dev.cria.kernels.$c::*"
done
export CRIA_JIT_FLAGS
