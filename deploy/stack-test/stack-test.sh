#!/usr/bin/env bash
# The docker-compose stack, built and run for real with podman, and proven end to end (see README.md here):
# the images from the repository's Dockerfile, docker-compose.yml's wiring, signed GitHub webhooks in, the verdict on
# the verdicts topic, the alert in Alertmanager, Prometheus scraping every service, a service killed with SIGKILL
# restarted by its restart policy and resuming with nothing lost; then everything the test started is removed.
#
# Run from anywhere, as root, after the build (`mvn package` or `verify`: the webhooks are made by the launcher's jar):
#   deploy/stack-test/stack-test.sh
# or only make the Debian base images, which needs no build (.ci/run does it while Maven builds and tests):
#   deploy/stack-test/stack-test.sh --prepare
# Exit status 0: passed, or skipped because podman cannot run containers on this machine (said plainly); 1: failed.
set -euo pipefail

mode=test
case "${1:-}" in
  "") ;;
  --prepare) mode=prepare ;;
  *) echo "usage: $0 [--prepare]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/deploy/stack-test"
project=oversight-stack-test
modules=(ingest policy-stream rollback-worker report)
base=localhost/oversight-stack-base
started=$SECONDS

say() { printf '[stack-test %3d s] %s\n' $((SECONDS - started)) "$*"; }
fail() {
  printf '\n[stack-test] FAILED: %s\n' "$*" >&2
  exit 1
}

# Waits for a condition: await SECONDS WHAT COMMAND... runs COMMAND every 2 s until it succeeds; fails the test with
# WHAT after SECONDS.
await() {
  local timeout=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "$what: not within ${timeout} s"
    sleep 2
  done
}

work="$(mktemp -d /tmp/oversight-stack-test.XXXXXX)"
# podman with the runc runtime (crun fails on cgroup v1 hosts like these) and without default ulimits (a container
# may not raise RLIMIT_NPROC here), in a configuration of its own: the machine's stays as it is.
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$work/containers.conf"

# --- Can podman run a container here? A root file system of one program (/bin/true and its libraries) says. -------
if ! command -v podman >/dev/null 2>&1 || ! command -v podman-compose >/dev/null 2>&1; then
  echo "[stack-test] SKIPPED: podman and podman-compose are not installed (.ci/run installs them on Debian)."
  rm -rf "$work"
  exit 0
fi
mkdir -p "$work/probe"
cp --parents /bin/true $(ldd /bin/true | grep -o '/[^ ]*') "$work/probe/"
probe_image=localhost/oversight-stack-probe
if ! probe_output=$(tar -C "$work/probe" -c . | podman import -q - "$probe_image" 2>&1 &&
                    podman run --rm --network none "$probe_image" /bin/true 2>&1); then
  podman rmi -f "$probe_image" >/dev/null 2>&1 || true
  echo "[stack-test] SKIPPED: podman cannot run a container on this machine:"
  echo "$probe_output" | sed 's/^/  /'
  rm -rf "$work"
  exit 0
fi
podman rmi -f "$probe_image" >/dev/null

compose=(podman-compose -p "$project" -f "$root/docker-compose.yml" -f "$here/compose.override.yml")
teardown() {
  local status=$?
  if [ $status -ne 0 ]; then
    echo "[stack-test] the containers' last lines:" >&2
    for c in $(podman ps -a -q --filter "label=io.podman.compose.project=$project" 2>/dev/null); do
      echo "--- $(podman inspect -f '{{.Name}} ({{.State.Status}}, restarts {{.RestartCount}})' "$c")" >&2
      podman logs --tail 15 "$c" 2>&1 | sed 's/^/  /' >&2
    done
  fi
  say "tearing down what the test started: the $project containers, their volumes and network"
  # (podman's complaints that it has no systemd to remove health check timers from are left out.)
  podman ps -a -q --filter "label=io.podman.compose.project=$project" | xargs -r podman rm -f -t 2 >/dev/null 2>&1 || true
  podman volume ls -q --filter "label=io.podman.compose.project=$project" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network ls -q --filter "label=io.podman.compose.project=$project" | xargs -r podman network rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
  exit $status
}
trap teardown EXIT

if [ "$mode" = test ]; then
  for jar in "$root/launcher/target/oversight-launcher.jar" "$root/launcher/target/lib"; do
    [ -e "$jar" ] || fail "$jar is missing: build first (mvn -B package -DskipTests, or .ci/run's mvn verify)"
  done
  for port in 8080 8081 9090 9093; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      fail "port $port is taken on this machine, and docker-compose.yml publishes it: free it and run again"
    fi
  done
fi

# --- The Debian base images: no registry is reachable, so they are made from Debian's packages. -------------------
# Kept between runs (made again only when missing): a second run starts here in seconds.
if ! podman image exists "$base"; then
  say "making $base: Debian bookworm (minbase) with openjdk-17-jre-headless, by debootstrap"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap did not make the base"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/*
  # As in Debian's container images: packages installed in a container start no service.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  tar -C "$rootfs" -c . | podman import -q - "$base" >/dev/null
  rm -rf "$rootfs"
fi
debian_image() {
  if ! podman image exists "localhost/oversight-stack-$1"; then
    say "building oversight-stack-$1 from Debian's packages (deploy/stack-test/debian/Dockerfile)"
    podman build -q --network host --build-arg BASE_IMAGE="$base" --target "$1" \
      -t "localhost/oversight-stack-$1" "$here/debian" >"$work/debian-$1.log" 2>&1 ||
      { tail -20 "$work/debian-$1.log" >&2; return 1; }
  fi
}
debian_image jdk-maven || fail "the JDK and Maven image did not build"
# Prometheus and Alertmanager (mostly downloading and unpacking packages) while the services' images build.
(debian_image prometheus && debian_image alertmanager) &
monitoring_images=$!
if [ "$mode" = prepare ]; then
  wait "$monitoring_images" || fail "the Prometheus and Alertmanager images did not build"
  say "the Debian base images are ready"
  exit 0
fi

say "building oversight-stack-kafka: Kafka 4.3.1's jars on the Debian base (deploy/stack-test/kafka)"
rm -rf "$here/kafka/target/libs"
mvn -B -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory=target/libs >"$work/kafka-libs.log" 2>&1 || { cat "$work/kafka-libs.log" >&2; fail "Kafka's jars"; }
podman build -q --build-arg BASE_IMAGE="$base" -t localhost/oversight-stack-kafka "$here/kafka" >/dev/null

# --- The four services' images, from the repository's Dockerfile, as docker-compose.yml builds them. --------------
# Its build stage runs on the Debian JDK and Maven image with the local Maven repository mounted, offline: it compiles
# the four services once (the other three images take it from the build cache). --format docker keeps HEALTHCHECK.
m2_args=()
[ -d "$HOME/.m2/repository" ] && m2_args=(--volume "$HOME/.m2:/root/.m2" --build-arg MAVEN_ARGS=-o)
built=$SECONDS
for m in "${modules[@]}"; do
  say "building oversight-$m (Dockerfile, MODULE=$m)"
  podman build -q --format docker "${m2_args[@]}" --build-arg BUILD_IMAGE=localhost/oversight-stack-jdk-maven \
    --build-arg BASE_IMAGE="$base" --build-arg MODULE="$m" -t "localhost/oversight-$m" -f "$root/Dockerfile" "$root" \
    >"$work/build-$m.log" 2>&1 || { tail -30 "$work/build-$m.log" >&2; fail "the oversight-$m image did not build"; }
done
say "the four images built in $((SECONDS - built)) s; sizes:"
for image in oversight-ingest oversight-policy-stream oversight-rollback-worker oversight-report \
             oversight-stack-base oversight-stack-kafka; do
  printf '  %-28s %4d MB\n' "$image" $(( $(podman image inspect -f '{{.Size}}' "localhost/$image") / 1000000 ))
done
for m in "${modules[@]}"; do
  [ "$(podman image inspect -f '{{.Config.User}}' "localhost/oversight-$m")" = 10001 ] ||
    fail "oversight-$m does not run as the non-root user 10001"
done

wait "$monitoring_images" || fail "the Prometheus and Alertmanager images did not build"

# --- Up: docker-compose.yml as it is (Grafana left out: its image cannot be pulled here, nor made from Debian). ----
secret="stack-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export OVERSIGHT_GITHUB_WEBHOOK_SECRET="$secret" OVERSIGHT_REPORT_TOKEN="report-$secret"
say "up: kafka, ingest, policy-stream, rollback-worker, report, prometheus, alertmanager"
up=$SECONDS
"${compose[@]}" up -d --no-build kafka "${modules[@]}" prometheus alertmanager >"$work/up.log" 2>&1 ||
  { cat "$work/up.log" >&2; fail "podman-compose up"; }
container() { echo "${project}_$1_1"; }
for m in "${modules[@]}"; do
  # The image's own health check (HEALTHCHECK, on /health/ready), run by podman.
  await 240 "$m ready (its health check)" podman healthcheck run "$(container "$m")"
done
ready=$((SECONDS - up))
say "all four services ready ${ready} s after up"
curl -sf -o /dev/null http://127.0.0.1:8080/health/live || fail "ingest's /health/live, published on port 8080"

# --- Signed GitHub webhooks in; verdicts out. -------------------------------------------------------------------
repo="acme/stack-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
launcher_cp="$root/launcher/target/oversight-launcher.jar:$root/launcher/target/lib/*"
javac -cp "$launcher_cp" -d "$work/webhooks" "$here/SendWebhooks.java" || fail "SendWebhooks.java did not compile"
send() {
  java -cp "$work/webhooks:$launcher_cp" SendWebhooks http://127.0.0.1:8080/webhooks/github "$secret" "$repo" "$1" \
    "$2" || fail "ingest refused the webhooks of #$1"
}
# The verdicts topic, read inside the stack's network (Kafka advertises kafka:9092) with kcat.
verdicts() {
  podman run --rm --network "${project}_default" --entrypoint kcat localhost/oversight-stack-alertmanager \
    -b kafka:9092 -C -t oversight.verdicts -o beginning -e -q -f '%s\n' 2>/dev/null
}
has_verdict() {
  verdicts | jq -e --arg id "$1" --arg status "$2" -s 'any(.[]; .deployId == $id and .status == $status)'
}
reviewed=$(send 1 reviewed)
self_approved=$(send 2 self-approved)
say "webhooks posted: $reviewed (reviewed), $self_approved (self-approved)"
await 90 "COMPLIANT verdict for $reviewed on oversight.verdicts" has_verdict "$reviewed" COMPLIANT
say "verdict on oversight.verdicts: $reviewed COMPLIANT"

# --- kill -9: policy-stream dies with a deploy still in its grace period; its restart policy brings it back. -------
victim=$(container policy-stream)
pid=$(podman inspect -f '{{.State.Pid}}' "$victim")
restarts=$(podman inspect -f '{{.RestartCount}}' "$victim")
say "kill -9 policy-stream's JVM (pid $pid), while $self_approved waits out its grace"
kill -9 "$pid"
killed=$SECONDS
# Posted while policy-stream is down: ingest takes it, Kafka keeps it until policy-stream is back.
while_down=$(send 3 reviewed)
restarted() {
  [ "$(podman inspect -f '{{.RestartCount}}' "$victim")" -gt "$restarts" ] &&
    [ "$(podman inspect -f '{{.State.Running}}' "$victim")" = true ]
}
await 60 "policy-stream restarted by its restart policy (unless-stopped)" restarted
await 180 "policy-stream ready again" podman healthcheck run "$victim"
say "policy-stream restarted and ready $((SECONDS - killed)) s after the kill"
await 120 "COMPLIANT verdict for $while_down (posted while policy-stream was down)" has_verdict "$while_down" COMPLIANT
await 150 "VIOLATION verdict for $self_approved (its grace ran through the crash)" \
  has_verdict "$self_approved" VIOLATION
say "nothing lost: $while_down COMPLIANT, $self_approved VIOLATION after its grace"

# --- The alert in Alertmanager, by amtool inside its container. -------------------------------------------------
alerted() {
  podman exec "$(container alertmanager)" amtool alert query --alertmanager.url=http://127.0.0.1:9093 -o json \
    "deploy=$self_approved" | jq -e 'length > 0 and (.[0].labels.severity | length > 0)'
}
await 90 "the alert for $self_approved in Alertmanager" alerted
say "alert in Alertmanager: $(podman exec "$(container alertmanager)" amtool alert query \
  --alertmanager.url=http://127.0.0.1:9093 -o json "deploy=$self_approved" | jq -r '.[0].labels | "\(.alertname) (\(.severity))"')"

# --- Prometheus, with the shipped configuration, scraping every service. ----------------------------------------
scraped() {
  curl -sf http://127.0.0.1:9090/api/v1/targets | jq -e '[.data.activeTargets[] | select(.health == "up") | .labels.job]
    as $up | ["ingest", "policy-stream", "rollback-worker", "report"] - $up | length == 0'
}
await 90 "Prometheus scraping ingest, policy-stream, rollback-worker and report (targets up)" scraped
say "Prometheus targets up: $(curl -sf http://127.0.0.1:9090/api/v1/targets |
  jq -r '[.data.activeTargets[] | "\(.labels.job)=\(.health)"] | join(" ")')"

say "PASSED: images built, stack up to ready in ${ready} s, every step seen (total $((SECONDS - started)) s)"
