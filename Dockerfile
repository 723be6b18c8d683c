# Cria's image: the entrypoint is `cria` (arguments are cria's; none = serve $CRIA_MODEL), on a Java
# runtime cut down with jlink to the modules cria uses (image/jre-modules, the Vector API's
# jdk.incubator.vector among them), as a non-root user.
# Build: docker build -t cria .   (or podman build -t cria .)
# Run:   docker run -p 127.0.0.1:8080:8080 -v ~/models:/models:ro -e CRIA_MODEL=/models/llama-3.2-1b-q4_0.gguf cria
# docs/server.md, "The image", says more (API key, memory, pull, Kubernetes).

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl cli -am package \
 && jlink --add-modules "$(cat image/jre-modules)" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output /opt/cria/jre \
 && cp cli/target/cria.jar /opt/cria/cria.jar \
 && cp image/entrypoint.sh image/healthcheck.sh /opt/cria/

# glibc and bash (the health check) in a small base; the runtime itself comes from the build stage.
FROM debian:bookworm-slim
COPY --from=build /opt/cria /opt/cria
RUN useradd --system --uid 10001 --create-home --home-dir /home/cria cria \
 && mkdir /models && chown cria:cria /models
ENV CRIA_HOME=/opt/cria \
    CRIA_MODEL=/models/model.gguf \
    CRIA_PORT=8080 \
    HF_HOME=/models/huggingface
USER 10001
WORKDIR /home/cria
VOLUME /models
EXPOSE 8080
# Healthy once /ready answers 200, when the model is loaded: a 3B model from a cold disk takes a while.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 CMD ["/opt/cria/healthcheck.sh"]
ENTRYPOINT ["/opt/cria/entrypoint.sh"]
