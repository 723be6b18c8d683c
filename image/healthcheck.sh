#!/bin/bash
# The image's HEALTHCHECK: GET /ready answers 200 once the model is loaded (503 while loading, after
# a failed load and while draining; /health, the liveness probe, is 200 while loading too).
# Plain bash (/dev/tcp): the runtime image has no curl.
exec 3<>"/dev/tcp/127.0.0.1/${CRIA_PORT:-8080}" || exit 1
printf 'GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
read -r -t 5 status <&3 || exit 1
[[ "$status" == *" 200 "* ]]
