#!/bin/sh
# The image's command: cria serve on $CRIA_MODEL, on every interface (the container's port is the
# boundary; without CRIA_API_KEY the server still answers only loopback Host names, so publish the
# port on the host's loopback or set a key). Extra arguments go to cria serve.
# The jar relaunches itself with the Vector API module and cria's JVM options (JvmOptions);
# JDK_JAVA_OPTIONS (e.g. -Xmx16g) reaches that JVM too.
set -eu
home="${CRIA_HOME:-/opt/cria}"
exec "$home/jre/bin/java" -jar "$home/cria.jar" serve "${CRIA_MODEL:-/models/model.gguf}" \
  --host 0.0.0.0 --port "${CRIA_PORT:-8080}" "$@"
