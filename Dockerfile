# One image for the whole suite: every service binary of deploy/services.tsv,
# csctl and cs-health-probe. docker-compose.yml and deploy/k8s run it once per
# service with a different command.
#
#   docker build -t cs-suite:dev .
#   docker run --rm cs-suite:dev ticket-server --help
#
# Stage 1 builds on Debian bookworm with exactly the packages the local build
# uses (scripts/bootstrap); stage 2 is bookworm-slim with only the shared
# libraries the binaries link (found with ldd + dpkg -S, so no hand-kept
# list), running as the unprivileged user cs (uid 10001). No key is ever
# copied in: keys come from volumes/secrets at run time (.dockerignore keeps
# data/ and *.key out of the build context).

ARG DEBIAN_IMAGE=debian:bookworm

FROM ${DEBIAN_IMAGE} AS builder
WORKDIR /src
COPY scripts/bootstrap scripts/bootstrap
RUN scripts/bootstrap
COPY . .
ARG CS_JOBS=2
# The binaries to build are the third column of deploy/services.tsv.
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null \
 && ninja -C /build -j"${CS_JOBS}" \
      $(awk '$1 !~ /^#/ && NF >= 5 {print $3}' deploy/services.tsv) \
      csctl cs-health-probe
RUN set -eu; mkdir -p /out/bin; \
    while read -r name dir binary grpc_port metrics_port; do \
      case "$name" in ''|'#'*) continue ;; esac; \
      install -s "/build/services/$dir/$binary" /out/bin/; \
    done < deploy/services.tsv; \
    install -s /build/tools/csctl/csctl \
      /build/tools/health_probe/cs-health-probe /out/bin/; \
    for lib in $(ldd /out/bin/* | awk '/=> \// {print $3}' | sort -u); do \
      pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null \
            || dpkg -S "/usr$lib" 2>/dev/null) \
        || { echo "no Debian package owns $lib" >&2; exit 1; }; \
      echo "$pkg" | head -n1 | cut -d: -f1; \
    done | sort -u > /out/runtime-packages.txt; \
    cat /out/runtime-packages.txt

FROM ${DEBIAN_IMAGE}-slim AS runtime
COPY --from=builder /out/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $(cat /tmp/runtime-packages.txt) tzdata ca-certificates openssl >/dev/null \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
# The directories named volumes are mounted on: a new volume takes their
# owner and mode, so the non-root services can write their data and the
# one-shot key (and, with docker-compose.tls.yml, certificate) initialisers
# can write the keys. openssl: scripts/dev-certs in the `certs` initialiser.
RUN groupadd --system --gid 10001 cs \
 && useradd --system --uid 10001 --gid cs --no-create-home \
      --home-dir /var/lib/cs --shell /usr/sbin/nologin cs \
 && install -d -o cs -g cs -m 0750 /var/lib/cs \
 && install -d -o cs -g cs -m 0700 /run/cs-keys/auth /run/cs-keys/pii \
      /run/cs-certs
COPY --from=builder /out/bin/ /usr/local/bin/
# Shipped configuration defaults; compose bind-mounts deploy/config over them
# and Kubernetes mounts the cs-config ConfigMap there.
COPY deploy/config/ /etc/cs/
USER 10001:10001
WORKDIR /var/lib/cs
VOLUME ["/var/lib/cs"]
EXPOSE 50051 50052 50053 50054 50055 50056 9101 9102 9103 9104 9105 9106
STOPSIGNAL SIGTERM
# No default service: the command names the binary (see docker-compose.yml).
CMD ["csctl", "--help"]
