#!/bin/sh
# The image's entrypoint is cria itself: arguments are cria's (serve ..., pull ..., chat ...). With
# none it serves $CRIA_MODEL on every interface at $CRIA_PORT (without CRIA_API_KEY the server still
# answers only loopback Host names: publish the port on the host's loopback, or set a key).
# One JVM, started with cria's options (the jar prints them: JvmOptions, the list bin/cria uses),
# then CRIA_JAVA_OPTS (e.g. -Xmx16g), which come later and win, as in bin/cria.
set -euf # f: no globbing, the JIT flags hold '*'
home="${CRIA_HOME:-/opt/cria}"
java="$home/jre/bin/java"
jar="$home/cria.jar"
if [ $# -eq 0 ]; then
  set -- serve "${CRIA_MODEL:-/models/model.gguf}" --host 0.0.0.0 --port "${CRIA_PORT:-8080}"
fi
options=$("$java" -cp "$jar" dev.cria.cli.JvmOptions)
# shellcheck disable=SC2086 # word splitting of the option lists is meant
exec "$java" $options ${CRIA_JAVA_OPTS:-} -jar "$jar" "$@"
