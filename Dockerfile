# Oversight's services, one image each, from this one Dockerfile. Build from the repository root (the build needs the
# whole reactor), naming the service with MODULE (ingest, policy-stream, rollback-worker or report):
#   docker build --build-arg MODULE=ingest -t oversight-ingest .
# docker-compose.yml builds all four. The build stage compiles the four services at once and does not depend on
# MODULE, so the second, third and fourth images reuse it from the build cache.
#
# BUILD_IMAGE (a JDK 17 and Maven) and BASE_IMAGE (a Java 17 runtime with bash, the health check's shell) can be
# replaced, e.g. by your own mirror's images; BASE_IMAGE must be glibc-based (the report's DuckDB native library).
# MAVEN_ARGS goes to the build's mvn (e.g. -o when the build mounts a Maven repository that has everything).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
ARG MAVEN_ARGS=""
WORKDIR /src
COPY . .
RUN mvn -B -q ${MAVEN_ARGS} -Dmaven.test.skip=true -pl ingest,policy-stream,rollback-worker,report -am \
        package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM ${BASE_IMAGE}
ARG MODULE
# The JVM's arguments, in a file java reads (@/app/java.args): the heap as a share of the container's memory (the
# report leaves half to DuckDB, which allocates outside the heap), the class path and the service's main class.
RUN case "${MODULE}" in \
      ingest) main=dev.oversight.ingest.IngestMain; ram=75 ;; \
      policy-stream) main=dev.oversight.policy.PolicyStreamMain; ram=75 ;; \
      rollback-worker) main=dev.oversight.rollback.RollbackWorkerMain; ram=75 ;; \
      report) main=dev.oversight.report.ReportMain; ram=50 ;; \
      *) echo "MODULE must be ingest, policy-stream, rollback-worker or report (--build-arg MODULE=…), not '${MODULE}'" >&2; \
         exit 1 ;; \
    esac \
 && mkdir -p /app/lib /data \
 && printf '%s\n' "-XX:MaxRAMPercentage=${ram}" -cp '/app/*:/app/lib/*' "${main}" >/app/java.args \
 && useradd --uid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin oversight \
 && chown oversight /data
COPY --from=build /src/${MODULE}/target/oversight-${MODULE}-*.jar /app/
COPY --from=build /src/${MODULE}/target/lib/ /app/lib/
USER 10001
ENV OVERSIGHT_HTTP_PORT=8080 OVERSIGHT_DATA_DIR=/data
EXPOSE 8080
# Ready: Kafka reachable and the service's work started (service-runtime's /health/ready), answered 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "@/app/java.args"]
