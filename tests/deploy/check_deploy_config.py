#!/usr/bin/env python3
"""Checks that every deployment of the suite runs what the local run runs.

deploy/services.tsv is the one list of services (name, source dir, binary,
gRPC port, metrics port) and scripts/run is the one definition of how a
service is started. This check derives, for every row, the settings the
local run gives the service by *running scripts/run* in a scratch copy of the
repository whose build tree holds recording stubs instead of the real
binaries (so whatever scripts/run does — flags, exported CS_* variables,
per-service variables — is observed, not re-parsed). It keeps the settings
the real binary accepts (from its --help, which also says which are
required), and checks against them:

  docker-compose.yml                 one compose service per row: same binary,
                                     same settings (CS_* variables), ports,
                                     own data volume, keys from volumes an
                                     init service writes, deploy/config files
                                     mounted, addresses of other services
                                     (+ depends_on service_healthy, unless
                                     the peer depends on this service: compose
                                     cannot start a cycle, so that side's
                                     consumer retries), health
                                     check with cs-health-probe, restart policy,
                                     stop grace > --shutdown-grace
  docker-compose.tls.yml,            the opt-in mutual-TLS variants, the same
  deploy/k8s-tls                     against `CS_TLS=1 scripts/run`, and every
                                     server with its cert, key and client CA,
                                     every client and health check with the
                                     CA and the client certificate
  deploy/prometheus/prometheus*.yml  one scrape job per row, named as the row,
                                     on its metrics port
  deploy/k8s/*.yaml                  one headless Service + StatefulSet per row
                                     with the same binary/settings/ports,
                                     probes, PVC, non-root read-only pods,
                                     Secrets for keys, the cs-config ConfigMap
                                     for deploy/config files
  deploy/grafana                     dashboards parse, use the provisioned
                                     datasource, and only known metrics
  deploy/prometheus/rules            only known metrics

The only differences allowed between the local run and a container are the
ones a container needs: --host (0.0.0.0) and the path/address forms (a key
file on a volume instead of ./data, /etc/cs/X instead of ./deploy/config/X,
ticket:50051 instead of 127.0.0.1:50051).

Usage: check_deploy_config.py [--root DIR] [--build-dir DIR] [--promtool PATH]
Exit status 0 when everything matches; 1 with one line per problem.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    sys.exit("check_deploy_config: the python3 yaml module is missing "
             "(Debian: python3-yaml; scripts/bootstrap installs it)")

# Settings a container sets although the local run does not: containers
# must listen on every interface.
CONTAINER_ONLY_SETTINGS = {"host"}

# Metric names the rules and dashboards may use. Exported today: by every
# server (libs/metrics, libs/store via cs_store_*, libs/events via
# cs_events_*, libs/server ConsumerCursorGauge). Contracts for services that
# are not written yet (documented in deploy/prometheus/rules/cs-alerts.yml):
# cs_sla_breaches_total (routing-sla), cs_kpi_* (analytics).
KNOWN_METRICS = {
    "up",
    "grpc_server_started_total", "grpc_server_handled_total",
    "grpc_server_msg_received_total", "grpc_server_msg_sent_total",
    "grpc_server_handling_seconds_bucket", "grpc_server_handling_seconds_count",
    "grpc_server_handling_seconds_sum",
    "process_cpu_seconds_total", "process_resident_memory_bytes",
    "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
    "process_start_time_seconds",
    "cs_store_estimate_num_keys", "cs_store_memtable_bytes",
    "cs_store_live_sst_bytes", "cs_store_pending_compaction_bytes",
    "cs_store_is_write_stopped", "cs_store_delayed_write_rate",
    "cs_store_running_compactions", "cs_store_running_flushes",
    "cs_store_background_errors", "cs_store_block_cache_usage_bytes",
    "cs_events_last_sequence", "cs_events_first_sequence",
    "cs_consumer_cursor", "cs_consumer_dead_letters_total",
    # contracts
    "cs_sla_breaches_total",
    "cs_kpi_on_time_response_ratio", "cs_kpi_first_contact_resolution_ratio",
}
METRIC_TOKEN = re.compile(
    r"(?<![\w:\"'])((?:grpc_server|process|cs)_[a-z0-9_]+|[a-z_]+(?::[a-z0-9_]+){1,2})"
    r"(?![\w\"'(])")

LOOPBACK_ADDR = re.compile(r"^(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)$")
USAGE_LINE = re.compile(
    r"^\s+--([a-z0-9-]+)\s+\(env (CS_[A-Z0-9_]+)\)\s.*?"
    r"(\[required\]|\[default: (.*)\])\s*$")
K8S_NAMESPACE = "cs"
K8S_CONFIGMAP = "cs-config"


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"{where}: {message}")


# --------------------------------------------------------------- inputs

def read_services(root):
    """Rows of deploy/services.tsv, parsed as scripts/run reads them."""
    rows = []
    with open(os.path.join(root, "deploy", "services.tsv"), encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) < 5:
                raise SystemExit(f"deploy/services.tsv: short row: {line.rstrip()}")
            name, src_dir, binary, grpc_port, metrics_port = fields[:5]
            rows.append({"name": name, "dir": src_dir, "binary": binary,
                         "grpc_port": int(grpc_port),
                         "metrics_port": int(metrics_port)})
    return rows


def env_to_setting(var):
    return var[len("CS_"):].lower().replace("_", "-") if var.startswith("CS_") else None


def parse_flags(args):
    """--name=value / --name value / --name → {name: value}; rest positional."""
    settings, positional = {}, []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            if "=" in arg:
                name, value = arg[2:].split("=", 1)
            elif i + 1 < len(args) and not args[i + 1].startswith("--"):
                name, value = arg[2:], args[i + 1]
                i += 1
            else:
                name, value = arg[2:], "true"
            settings[name] = value
        else:
            positional.append(arg)
        i += 1
    return settings, positional


STUB_SERVICE = """#!/bin/sh
# Records how scripts/run started this service. Exits only when every
# service has written its record (or after 30 s), so that scripts/run, which
# stops all services when the first one exits, cannot cut a record short.
trap '' TERM INT
out="$DEPLOY_TRACE_DIR/$(basename "$0").trace"
{
  for a in "$@"; do printf 'ARG\\t%s\\n' "$a"; done
  env | grep '^CS_' | sed 's/^/ENV\\t/'
} > "$out.tmp"
mv "$out.tmp" "$out"
i=0
while [ "$(ls "$DEPLOY_TRACE_DIR" | grep -c '[.]trace$')" -lt "$DEPLOY_TRACE_COUNT" ] \\
    && [ $i -lt 300 ]; do
  sleep 0.1
  i=$((i + 1))
done
"""

STUB_CSCTL = """#!/bin/sh
# Stands in for csctl: keygen writes a key, token prints one, the rest pass.
cmd=""
out=""
prev=""
for a in "$@"; do
  case "$a" in
    --out=*) out="${a#--out=}" ;;
    -*) ;;
    *) if [ "$prev" = "--out" ]; then out="$a"; elif [ -z "$cmd" ]; then cmd="$a"; fi ;;
  esac
  prev="$a"
done
case "$cmd" in
  keygen) [ -n "$out" ] && printf '%064d\\n' 0 > "$out" ;;
  token) echo stub-token ;;
esac
exit 0
"""


def trace_local_run(root, rows, extra_env=None):
    """Runs scripts/run against stubs (with `extra_env`, e.g. CS_TLS=1);
    returns ({binary: settings}, scratch root)."""
    scratch = tempfile.mkdtemp(prefix="cs-deploy-check-")
    shutil.copytree(os.path.join(root, "scripts"), os.path.join(scratch, "scripts"))
    shutil.copytree(os.path.join(root, "deploy"), os.path.join(scratch, "deploy"))
    for name in ("bootstrap", "build"):
        path = os.path.join(scratch, "scripts", name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(path, 0o755)

    def stub(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    for row in rows:
        stub(os.path.join(scratch, "build", "services", row["dir"], row["binary"]),
             STUB_SERVICE)
    stub(os.path.join(scratch, "build", "tools", "csctl", "csctl"), STUB_CSCTL)
    trace_dir = os.path.join(scratch, "trace")
    os.makedirs(trace_dir)
    # A clean environment: no CS_* of the caller may leak into the trace.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch,
           "LANG": "C.UTF-8", "DEPLOY_TRACE_DIR": trace_dir,
           "DEPLOY_TRACE_COUNT": str(len(rows))}
    env.update(extra_env or {})
    try:
        result = subprocess.run(["bash", os.path.join(scratch, "scripts", "run")],
                                cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise SystemExit("scripts/run did not finish within 120 s against stubs")
    traces = {}
    for row in rows:
        path = os.path.join(trace_dir, row["binary"] + ".trace")
        if not os.path.exists(path):
            raise SystemExit(
                f"scripts/run did not start {row['binary']} (row {row['name']} of "
                f"deploy/services.tsv); its output:\n{result.stdout}{result.stderr}")
        args, env_settings = [], {}
        with open(path, encoding="utf-8") as f:
            for line in f.read().splitlines():
                kind, _, rest = line.partition("\t")
                if kind == "ARG":
                    args.append(rest)
                elif kind == "ENV":
                    var, _, value = rest.partition("=")
                    env_settings[var] = value
        flag_settings, positional = parse_flags(args)
        traces[row["binary"]] = {"flags": flag_settings, "env": env_settings,
                                 "positional": positional}
    return traces, os.path.realpath(scratch)


def binary_usage(build_dir, row):
    """{setting: {'env', 'required', 'default'}} from the binary's --help."""
    path = os.path.join(build_dir, "services", row["dir"], row["binary"])
    if not os.access(path, os.X_OK):
        return None, path
    out = subprocess.run([path, "--help"], capture_output=True, text=True,
                         timeout=30, env={"PATH": os.environ.get("PATH", "")})
    settings = {}
    for line in out.stdout.splitlines():
        m = USAGE_LINE.match(line)
        if m:
            settings[m.group(1)] = {"env": m.group(2),
                                    "required": m.group(3) == "[required]",
                                    "default": m.group(4)}
    if not settings:
        raise SystemExit(f"{path} --help printed no settings:\n{out.stdout}{out.stderr}")
    return settings, path


def parse_duration_s(text):
    """'30s', '1m30s', '10s', '1h' → seconds (absl and compose forms)."""
    total, pos = 0.0, 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)(ms|h|m|s)", str(text)):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[m.group(2)]
        pos = m.end()
    return total if pos == len(str(text)) and pos else None


# ------------------------------------------------------ expected settings

def expected_settings(row, trace, usage, scratch, problems):
    """The local run's settings for `row`, limited to what the binary takes."""
    where = f"scripts/run → {row['binary']}"
    run = {}
    for name, value in trace["flags"].items():
        if usage is not None and name not in usage:
            problems.add(where, f"passes --{name}, which {row['binary']} does not accept")
        run[name] = value
    for var, value in trace["env"].items():
        name = env_to_setting(var)
        if name is None or name in run:
            continue
        # Exported to every service; only the ones this binary reads count.
        if usage is None or name in usage:
            run[name] = value
    if trace["positional"]:
        problems.add(where, f"passes positional arguments {trace['positional']}")
    for key in ("port", "metrics-port"):
        want = row["grpc_port" if key == "port" else "metrics_port"]
        if run.get(key) != str(want):
            problems.add(where, f"--{key} is {run.get(key)!r}, services.tsv says {want}")
    # Turn scratch paths back into repository-relative forms.
    for name, value in list(run.items()):
        if value.startswith(scratch + "/"):
            run[name] = "$ROOT/" + value[len(scratch) + 1:]
        elif value == scratch:
            run[name] = "$ROOT"
    return run


def classify(name, value, rows):
    """How a local-run value must look in a container (see module doc)."""
    if name in ("port", "metrics-port"):
        return ("exact", value)
    if name == "data-dir":
        return ("data-dir", None)
    if value.startswith("$ROOT/deploy/config/"):
        return ("config-file", value[len("$ROOT/deploy/config/"):])
    m = LOOPBACK_ADDR.match(value)
    if m:
        for other in rows:
            if other["grpc_port"] == int(m.group(1)):
                return ("address", other)
    if value.startswith("$ROOT/"):
        return ("secret-file", os.path.basename(value))
    return ("exact", value)


def check_settings(where, row, run, actual, usage, problems):
    """Settings present, known to the binary, required ones set, no extras."""
    if usage is not None:
        for name in sorted(actual):
            if name not in usage:
                problems.add(where, f"sets {name} (CS_{name.upper().replace('-', '_')}), "
                             f"which {row['binary']} does not know (typo?)")
        for name, info in sorted(usage.items()):
            if info["required"] and name not in actual:
                problems.add(where, f"does not set required setting {name} "
                             f"({info['env']})")
    for name in sorted(run):
        if name not in actual:
            problems.add(where, f"missing setting {name} "
                         f"(CS_{name.upper().replace('-', '_')}) that scripts/run passes "
                         f"({run[name]!r})")
    for name in sorted(set(actual) - set(run) - CONTAINER_ONLY_SETTINGS):
        problems.add(where, f"sets {name} which scripts/run does not pass: the local "
                     f"run and the deployment would differ (add it to both, or to "
                     f"CONTAINER_ONLY_SETTINGS in {os.path.basename(__file__)} if only "
                     f"containers need it)")
    for key in ("port", "metrics-port"):
        want = str(row["grpc_port" if key == "port" else "metrics_port"])
        if key in actual and actual[key] != want:
            problems.add(where, f"{key} is {actual[key]}, services.tsv says {want}")


def shutdown_grace_s(actual, usage):
    value = actual.get("shutdown-grace")
    if value is None and usage is not None and "shutdown-grace" in usage:
        value = usage["shutdown-grace"]["default"]
    return parse_duration_s(value) if value else 10.0


# ------------------------------------------------------------- TLS variant

# The opt-in mutual-TLS deployments (docker-compose.tls.yml, deploy/k8s-tls)
# are checked against `CS_TLS=1 scripts/run` like the plaintext ones against
# scripts/run, and on top: every server has its own certificate, its key and
# the client CA; every service calls the others with the CA and the client
# certificate (so every address it dials is TLS); every health check
# presents them too.
COMPOSE_FILES = ("docker-compose.yml",)
COMPOSE_TLS_FILES = ("docker-compose.yml", "docker-compose.tls.yml")
TLS_SETTINGS = ("tls-cert-file", "tls-key-file", "tls-client-ca-file",
                "tls-ca-file", "tls-client-cert-file", "tls-client-key-file")
TLS_PROBE_FLAGS = ("--tls-ca-file", "--tls-client-cert-file", "--tls-client-key-file")


def check_tls(where, row, actual, probe_commands, problems):
    for name in TLS_SETTINGS:
        if not actual.get(name):
            problems.add(where, f"TLS: {name} (CS_{name.upper().replace('-', '_')}) "
                         "is not set")
    for name, own in (("tls-cert-file", f"{row['name']}.pem"),
                      ("tls-key-file", f"{row['name']}.key")):
        if actual.get(name) and os.path.basename(actual[name]) != own:
            problems.add(where, f"TLS: {name} is {actual[name]}, not the service's own "
                         f"{own}")
    for cmd in probe_commands:
        for flag in TLS_PROBE_FLAGS:
            if not any(str(a).startswith(flag + "=") for a in cmd):
                problems.add(where, f"TLS: health check {' '.join(map(str, cmd))} "
                             f"lacks {flag}")


# ------------------------------------------------------------- compose

def compose_env(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def compose_command(service):
    cmd = service.get("command")
    if cmd is None:
        return []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd]


def compose_mounts(service):
    """[(source, target, read_only, kind)] with kind 'volume' or 'bind'."""
    mounts = []
    for v in service.get("volumes") or []:
        if isinstance(v, dict):
            source, target = v.get("source", ""), v.get("target", "")
            ro = bool(v.get("read_only"))
            kind = v.get("type", "volume")
        else:
            parts = str(v).split(":")
            if len(parts) == 1:
                source, target, ro = "", parts[0], False
            else:
                source, target = parts[0], parts[1]
                ro = len(parts) > 2 and "ro" in parts[2].split(",")
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        mounts.append((source, target.rstrip("/") or "/", ro, kind))
    return mounts


def mount_for(path, mounts):
    """The mount whose target holds `path` (deepest first)."""
    best = None
    for m in mounts:
        if path == m[1] or path.startswith(m[1] + "/"):
            if best is None or len(m[1]) > len(best[1]):
                best = m
    return best


def compose_ports(service):
    ports = set()
    for p in service.get("ports") or []:
        if isinstance(p, dict):
            ports.add(int(p.get("target")))
        else:
            ports.add(int(str(p).split(":")[-1].split("/")[0]))
    return ports


def depends_on_reaches(services, start, goal):
    """Whether compose service `start` depends on `goal`, directly or not."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name == goal:
            return True
        if name in seen:
            continue
        seen.add(name)
        deps = (services.get(name) or {}).get("depends_on") or {}
        todo.extend(deps if isinstance(deps, (dict, list)) else [])
    return False


def compose_merge(base, override):
    """`override` applied to `base` as `docker compose -f base -f override`
    does for the keys the suite uses: mappings merge, volumes and ports add
    (one per target), other lists (command, healthcheck test) replace."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    out = dict(base)
    for key, value in override.items():
        if key in ("volumes", "ports") and isinstance(value, list) \
                and isinstance(out.get(key), list):
            def target(item):
                return compose_mounts({"volumes": [item]})[0][1] if key == "volumes" \
                    else compose_ports({"ports": [item]})
            merged = [v for v in out[key]
                      if all(target(v) != target(o) for o in value)]
            out[key] = merged + list(value)
        elif key in out:
            out[key] = compose_merge(out[key], value)
        else:
            out[key] = value
    return out


def load_compose(root, files):
    compose = {}
    for fname in files:
        with open(os.path.join(root, fname), encoding="utf-8") as f:
            compose = compose_merge(compose, yaml.safe_load(f) or {})
    return compose


def check_compose(root, rows, runs, usages, problems, files=COMPOSE_FILES, tls=False):
    label = " + ".join(files)
    compose = load_compose(root, files)
    services = compose.get("services") or {}
    declared_volumes = set((compose.get("volumes") or {}).keys())
    built = [s for s in services.values() if s.get("build")]
    suite_image = built[0].get("image") if built else None
    if suite_image is None:
        problems.add(label, "no service builds the suite image (build:)")
    row_names = {r["name"] for r in rows}
    init_services = {n: s for n, s in services.items()
                     if s.get("image") == suite_image and n not in row_names}
    for name, service in init_services.items():
        cmd = " ".join(compose_command(service))
        if "keygen" not in cmd and "dev-certs" not in cmd:
            problems.add(f"{label}: {name}",
                         "runs the suite image but is not a row of deploy/services.tsv "
                         "(stale service?) nor the key or certificate initialiser")
    volume_users = {}
    for name, service in services.items():
        for source, target, ro, kind in compose_mounts(service):
            if kind == "volume" and source:
                volume_users.setdefault(source, []).append((name, ro))
                if source not in declared_volumes:
                    problems.add(f"{label}: {name}",
                                 f"volume {source} is not declared under volumes:")

    for row in rows:
        where = f"{label}: {row['name']}"
        service = services.get(row["name"])
        if service is None:
            problems.add(label,
                         f"no service {row['name']} (row of deploy/services.tsv)")
            continue
        run, usage = runs[row["binary"]], usages.get(row["binary"])
        if service.get("image") != suite_image:
            problems.add(where, f"image {service.get('image')!r} is not the suite image "
                         f"{suite_image!r}")
        cmd = compose_command(service)
        if not cmd or cmd[0] != row["binary"]:
            problems.add(where, f"command {cmd} does not start {row['binary']}")
        flag_settings, positional = parse_flags(cmd[1:])
        if positional:
            problems.add(where, f"command has positional arguments {positional}")
        env = compose_env(service)
        actual = dict(flag_settings)
        for var, value in env.items():
            name = env_to_setting(var)
            if name is None:
                problems.add(where, f"environment {var} is not a CS_* setting")
            else:
                actual[name] = value
        check_settings(where, row, run, actual, usage, problems)
        mounts = compose_mounts(service)
        for name, value in sorted(run.items()):
            if name not in actual:
                continue
            kind, detail = classify(name, value, rows)
            got = actual[name]
            if kind == "exact" and got != detail:
                problems.add(where, f"{name} is {got!r}, scripts/run uses {detail!r}")
            elif kind == "data-dir":
                m = mount_for(got, mounts)
                if not m or m[1] != got or m[3] != "volume" or m[2]:
                    problems.add(where, f"data-dir {got} is not a writable named volume")
                elif [u for u, _ in volume_users.get(m[0], []) if u != row["name"]]:
                    problems.add(where, f"data volume {m[0]} is shared with "
                                 f"{[u for u, _ in volume_users[m[0]] if u != row['name']]}")
            elif kind == "config-file":
                m = mount_for(got, mounts)
                if not m or m[3] != "bind" or os.path.normpath(m[0]) != "deploy/config" \
                        or got != m[1] + "/" + detail:
                    problems.add(where, f"{name} is {got}: expected <mount of "
                                 f"./deploy/config>/{detail}")
                if not os.path.exists(os.path.join(root, "deploy", "config", detail)):
                    problems.add(where, f"deploy/config/{detail} does not exist")
            elif kind == "secret-file":
                m = mount_for(got, mounts)
                if not m or m[3] != "volume":
                    problems.add(where, f"{name} {got} is not on a named volume")
                    continue
                if not m[2]:
                    problems.add(where, f"key volume {m[0]} should be mounted read-only")
                if os.path.basename(got) != detail:
                    problems.add(where, f"{name} file is {os.path.basename(got)}, the local "
                                 f"run's is {detail}")
                writers = [u for u, ro in volume_users.get(m[0], [])
                           if not ro and u in init_services]
                if not writers:
                    problems.add(where, f"no init service writes volume {m[0]} ({name})")
                deps = service.get("depends_on") or {}
                for w in writers:
                    cond = deps.get(w, {}).get("condition") if isinstance(deps, dict) else None
                    if cond != "service_completed_successfully":
                        problems.add(where, f"must depend on {w} with condition "
                                     "service_completed_successfully")
            elif kind == "address":
                other = detail
                want = f"{other['name']}:{other['grpc_port']}"
                if got != want:
                    problems.add(where, f"{name} is {got!r}, expected {want!r} "
                                 f"(scripts/run: {value})")
                deps = service.get("depends_on") or {}
                cond = deps.get(other["name"], {}).get("condition") \
                    if isinstance(deps, dict) else None
                # A peer that starts after this service (it depends on it)
                # cannot also be waited for; such a client (an event
                # consumer) retries until the peer is up.
                if cond != "service_healthy" and \
                        not depends_on_reaches(services, other["name"], row["name"]):
                    problems.add(where, f"uses {other['name']} ({name}) but does not "
                                 f"depend on it with condition service_healthy")
        ports = compose_ports(service)
        for p in (row["grpc_port"], row["metrics_port"]):
            if p not in ports:
                problems.add(where, f"does not publish port {p}")
        test = service.get("healthcheck", {}).get("test") or []
        test = shlex.split(test) if isinstance(test, str) else [str(t) for t in test]
        addr = f"--addr=127.0.0.1:{row['grpc_port']}"
        if "cs-health-probe" not in test or addr not in test:
            problems.add(where, f"healthcheck {test} is not cs-health-probe {addr}")
        if tls:
            check_tls(where, row, actual, [test], problems)
        if service.get("restart") in (None, "no"):
            problems.add(where, "has no restart policy")
        grace = parse_duration_s(service.get("stop_grace_period", "10s"))
        need = shutdown_grace_s(actual, usage)
        if grace is None or grace <= need:
            problems.add(where, f"stop_grace_period {service.get('stop_grace_period')} "
                         f"must exceed the server's shutdown grace ({need:g}s)")
        if str(service.get("user", "")).split(":")[0] in ("0", "root"):
            problems.add(where, "runs as root")
        if not service.get("read_only"):
            problems.add(where, "root filesystem is not read_only")

    prom = services.get("prometheus")
    if prom is None:
        problems.add("docker-compose.yml", "no prometheus service")
    else:
        targets = {(os.path.normpath(s), t) for s, t, _, _ in compose_mounts(prom)}
        for src in ("deploy/prometheus/prometheus.yml", "deploy/prometheus/rules"):
            if not any(s == src for s, _ in targets):
                problems.add("docker-compose.yml: prometheus", f"does not mount ./{src}")
    graf = services.get("grafana")
    if graf is None:
        problems.add("docker-compose.yml", "no grafana service")
    else:
        sources = {os.path.normpath(s) for s, _, _, _ in compose_mounts(graf)}
        for src in ("deploy/grafana/provisioning", "deploy/grafana/dashboards"):
            if src not in sources:
                problems.add("docker-compose.yml: grafana", f"does not mount ./{src}")


# ----------------------------------------------------------- prometheus

def check_prometheus(root, rows, problems):
    for fname, target_of in (
            ("prometheus.yml",
             lambda job: [t for sc in job.get("static_configs", [])
                          for t in sc.get("targets", [])]),
            ("prometheus-k8s.yml",
             lambda job: [f"{n}:{sd.get('port')}" for sd in job.get("dns_sd_configs", [])
                          for n in sd.get("names", [])])):
        path = os.path.join(root, "deploy", "prometheus", fname)
        where = f"deploy/prometheus/{fname}"
        with open(path, encoding="utf-8") as f:
            config = yaml.safe_load(f)
        jobs = {j["job_name"]: j for j in config.get("scrape_configs", [])}
        for row in rows:
            job = jobs.get(row["name"])
            if job is None:
                problems.add(where, f"no scrape job {row['name']}")
                continue
            targets = target_of(job)
            if fname == "prometheus.yml":
                want = f"{row['name']}:{row['metrics_port']}"
            else:
                want = f"{row['name']}.{K8S_NAMESPACE}.svc.cluster.local:{row['metrics_port']}"
            if targets != [want]:
                problems.add(where, f"job {row['name']} scrapes {targets}, expected [{want}]")
        names = {r["name"] for r in rows}
        for job in jobs:
            if job not in names and job != "prometheus":
                problems.add(where, f"job {job} is not a service of deploy/services.tsv")


# ------------------------------------------------------------------ k8s

def load_k8s_docs(root, problems, subdir="k8s"):
    """[(file name, document)] of deploy/<subdir>/*.yaml (not kustomization)."""
    k8s_dir = os.path.join(root, "deploy", subdir)
    docs = []
    for fname in sorted(os.listdir(k8s_dir)):
        if not fname.endswith((".yaml", ".yml")) or fname.startswith("kustomization."):
            continue
        with open(os.path.join(k8s_dir, fname), encoding="utf-8") as f:
            try:
                loaded = [d for d in yaml.safe_load_all(f) if d is not None]
            except yaml.YAMLError as e:
                problems.add(f"deploy/k8s/{fname}", f"invalid YAML: {e}")
                continue
        for d in loaded:
            where = f"deploy/k8s/{fname}"
            if not isinstance(d, dict) or not d.get("apiVersion") or not d.get("kind") \
                    or not (d.get("metadata") or {}).get("name"):
                problems.add(where, "a document lacks apiVersion, kind or metadata.name")
                continue
            if d["kind"] != "Namespace" and d["metadata"].get("namespace") != K8S_NAMESPACE:
                problems.add(where, f"{d['kind']} {d['metadata']['name']} is not in "
                             f"namespace {K8S_NAMESPACE}")
            docs.append((fname, d))
    return docs


# Lists a strategic-merge patch merges item by item (by this key), as
# kubectl does for the fields the manifests use; other lists replace.
K8S_MERGE_KEYS = {"containers": "name", "env": "name", "volumeMounts": "mountPath",
                  "volumes": "name", "ports": "containerPort"}


def k8s_strategic_merge(base, patch):
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return patch
    out = dict(base)
    for key, value in patch.items():
        merge_key = K8S_MERGE_KEYS.get(key)
        if merge_key and isinstance(value, list) and isinstance(out.get(key), list):
            merged = list(out[key])
            for item in value:
                at = [i for i, b in enumerate(merged)
                      if isinstance(b, dict) and b.get(merge_key) == item.get(merge_key)]
                if at:
                    merged[at[0]] = k8s_strategic_merge(merged[at[0]], item)
                else:
                    merged.append(item)
            out[key] = merged
        elif key in out:
            out[key] = k8s_strategic_merge(out[key], value)
        else:
            out[key] = value
    return out


def load_k8s_tls_docs(root, problems):
    """deploy/k8s with the patches of the deploy/k8s-tls kustomization applied
    (what `kubectl apply -k deploy/k8s-tls` applies); file names are the
    patches' ("k8s-tls/ticket.yaml") for patched documents."""
    where = "deploy/k8s-tls/kustomization.yaml"
    with open(os.path.join(root, "deploy", "k8s-tls", "kustomization.yaml"),
              encoding="utf-8") as f:
        kust = yaml.safe_load(f) or {}
    if kust.get("resources") != ["../k8s"]:
        problems.add(where, "resources must be [../k8s] (the plaintext manifests)")
    docs = load_k8s_docs(root, problems)
    for patch in kust.get("patches") or []:
        path = patch.get("path") if isinstance(patch, dict) else None
        if not path:
            problems.add(where, f"patch {patch} has no path")
            continue
        with open(os.path.join(root, "deploy", "k8s-tls", path), encoding="utf-8") as f:
            for d in yaml.safe_load_all(f):
                if not d:
                    continue
                meta = d.get("metadata") or {}
                at = [i for i, (_, b) in enumerate(docs) if b["kind"] == d.get("kind")
                      and b["metadata"]["name"] == meta.get("name")]
                if not at:
                    problems.add(f"deploy/k8s-tls/{path}", f"patches {d.get('kind')} "
                                 f"{meta.get('name')}, which deploy/k8s does not have")
                    continue
                docs[at[0]] = (f"../k8s-tls/{path}",
                               k8s_strategic_merge(docs[at[0]][1], d))
    return docs


def check_k8s(root, rows, runs, usages, problems, docs=None, tls=False):
    if docs is None:
        docs = load_k8s_docs(root, problems)

    def find(kind, name):
        return [(f, d) for f, d in docs if d["kind"] == kind and d["metadata"]["name"] == name]

    config_files = set(os.listdir(os.path.join(root, "deploy", "config")))
    row_names = {r["name"] for r in rows}
    for _, d in docs:
        if d["kind"] == "StatefulSet" and d["metadata"]["name"] not in row_names:
            problems.add("deploy/k8s", f"StatefulSet {d['metadata']['name']} is not a "
                         "service of deploy/services.tsv")
    for row in rows:
        name = row["name"]
        sts = find("StatefulSet", name)
        svc = find("Service", name)
        if len(sts) != 1 or len(svc) != 1:
            problems.add("deploy/k8s", f"{name}: expected one StatefulSet and one Service "
                         f"named {name}, found {len(sts)} and {len(svc)}")
            continue
        fname, sts = sts[0]
        where = f"{os.path.normpath('deploy/k8s/' + fname)}: {name}"
        svc = svc[0][1]
        spec = sts.get("spec", {})
        pod = spec.get("template", {})
        labels = (pod.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            problems.add(where, "selector does not match the pod labels")
        svc_spec = svc.get("spec", {})
        if any(labels.get(k) != v for k, v in (svc_spec.get("selector") or {}).items()) \
                or not svc_spec.get("selector"):
            problems.add(where, "Service selector does not match the pod labels")
        if svc_spec.get("clusterIP") != "None":
            problems.add(where, "Service is not headless (clusterIP: None)")
        if spec.get("serviceName") != name:
            problems.add(where, f"serviceName is {spec.get('serviceName')}, expected {name}")
        svc_ports = {p.get("port") for p in svc_spec.get("ports", [])}
        for p in (row["grpc_port"], row["metrics_port"]):
            if p not in svc_ports:
                problems.add(where, f"Service does not expose port {p}")
        annotations = (pod.get("metadata") or {}).get("annotations") or {}
        if annotations.get("prometheus.io/port") != str(row["metrics_port"]):
            problems.add(where, f"annotation prometheus.io/port is "
                         f"{annotations.get('prometheus.io/port')}, expected "
                         f"{row['metrics_port']}")
        pod_spec = pod.get("spec", {})
        containers = pod_spec.get("containers") or []
        if len(containers) != 1:
            problems.add(where, "expected exactly one container")
            continue
        c = containers[0]
        cmd = [str(x) for x in (c.get("command") or [])] + [str(x) for x in (c.get("args") or [])]
        if not cmd or cmd[0] != row["binary"]:
            problems.add(where, f"command {cmd} does not start {row['binary']}")
        flag_settings, positional = parse_flags(cmd[1:])
        actual = dict(flag_settings)
        for e in c.get("env") or []:
            setting = env_to_setting(e.get("name", ""))
            if setting is None:
                problems.add(where, f"env {e.get('name')} is not a CS_* setting")
            elif "value" not in e:
                problems.add(where, f"env {e.get('name')} must be a literal value")
            else:
                actual[setting] = str(e["value"])
        run, usage = runs[row["binary"]], usages.get(row["binary"])
        check_settings(where, row, run, actual, usage, problems)
        volumes = {v.get("name"): v for v in pod_spec.get("volumes") or []}
        claims = {(t.get("metadata") or {}).get("name")
                  for t in spec.get("volumeClaimTemplates") or []}
        mounts = [(m.get("name"), m.get("mountPath", "").rstrip("/"), bool(m.get("readOnly")),
                   "claim" if m.get("name") in claims else "volume")
                  for m in c.get("volumeMounts") or []]
        for setting, value in sorted(run.items()):
            if setting not in actual:
                continue
            kind, detail = classify(setting, value, rows)
            got = actual[setting]
            m = mount_for(got, mounts)
            if kind == "exact" and got != detail:
                problems.add(where, f"{setting} is {got!r}, scripts/run uses {detail!r}")
            elif kind == "data-dir":
                if not m or m[1] != got or m[3] != "claim":
                    problems.add(where, f"data-dir {got} is not a volumeClaimTemplate mount")
            elif kind in ("config-file", "secret-file"):
                vol = volumes.get(m[0]) if m else None
                base = os.path.basename(got)
                if vol is None or os.path.dirname(got) != m[1]:
                    problems.add(where, f"{setting} {got} is not a file of a mounted volume")
                    continue
                if kind == "config-file":
                    cm = vol.get("configMap") or {}
                    if cm.get("name") != K8S_CONFIGMAP:
                        problems.add(where, f"{setting} must come from ConfigMap {K8S_CONFIGMAP}")
                    if base != detail or detail not in config_files:
                        problems.add(where, f"{setting} is {got}, expected "
                                     f"<cs-config mount>/{detail} (a file of deploy/config)")
                    items = cm.get("items")
                    if items and not any(i.get("key") == detail and i.get("path") == detail
                                         for i in items):
                        problems.add(where, f"ConfigMap items do not include {detail}")
                else:
                    secret = vol.get("secret") or {}
                    if not secret.get("secretName"):
                        problems.add(where, f"{setting} must come from a Secret")
                    if base != detail:
                        problems.add(where, f"{setting} file is {base}, the local run's is "
                                     f"{detail}")
                    items = secret.get("items")
                    if items and not any(i.get("path") == base for i in items):
                        problems.add(where, f"Secret {secret.get('secretName')} items do not "
                                     f"provide {base}")
                    if not m[2]:
                        problems.add(where, f"Secret volume {m[0]} should be readOnly")
            elif kind == "address":
                want = f"{detail['name']}:{detail['grpc_port']}"
                if got != want:
                    problems.add(where, f"{setting} is {got!r}, expected {want!r}")
        ports = {p.get("containerPort") for p in c.get("ports") or []}
        for p in (row["grpc_port"], row["metrics_port"]):
            if p not in ports:
                problems.add(where, f"container does not declare port {p}")
        for probe in ("readinessProbe", "livenessProbe"):
            pr = c.get(probe) or {}
            exec_cmd = [str(x) for x in (pr.get("exec") or {}).get("command") or []]
            native = (pr.get("grpc") or {}).get("port")
            if not ((exec_cmd[:1] == ["cs-health-probe"]
                     and f"--addr=127.0.0.1:{row['grpc_port']}" in exec_cmd)
                    or native == row["grpc_port"]):
                problems.add(where, f"{probe} is not a gRPC health check of port "
                             f"{row['grpc_port']}")
            if tls:
                # gRPC's native probe cannot present a client certificate.
                check_tls(where, row, actual, [exec_cmd], problems)
        res = c.get("resources") or {}
        if not res.get("requests") or not (res.get("limits") or {}).get("memory"):
            problems.add(where, "needs resource requests and a memory limit")
        psc = pod_spec.get("securityContext") or {}
        csc = c.get("securityContext") or {}
        if not (psc.get("runAsNonRoot") or csc.get("runAsNonRoot")):
            problems.add(where, "does not set runAsNonRoot")
        if not csc.get("readOnlyRootFilesystem"):
            problems.add(where, "root filesystem is not read-only")
        if csc.get("allowPrivilegeEscalation") is not False:
            problems.add(where, "must set allowPrivilegeEscalation: false")
        if "ALL" not in ((csc.get("capabilities") or {}).get("drop") or []):
            problems.add(where, "must drop ALL capabilities")
        grace = pod_spec.get("terminationGracePeriodSeconds", 30)
        need = shutdown_grace_s(actual, usage)
        if grace <= need:
            problems.add(where, f"terminationGracePeriodSeconds {grace} must exceed the "
                         f"server's shutdown grace ({need:g}s)")


# ------------------------------------------------------ metrics in use

def check_metric_names(where, exprs, recorded, problems):
    for expr in exprs:
        for token in METRIC_TOKEN.findall(expr):
            if token not in KNOWN_METRICS and token not in recorded:
                problems.add(where, f"unknown metric {token} in: {' '.join(expr.split())[:120]}")


def rules_exprs(root):
    recorded, exprs = set(), []
    rules_dir = os.path.join(root, "deploy", "prometheus", "rules")
    for fname in sorted(os.listdir(rules_dir)):
        with open(os.path.join(rules_dir, fname), encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                if "record" in rule:
                    recorded.add(rule["record"])
                exprs.append(str(rule["expr"]))
    return recorded, exprs


def grafana_substitute(expr):
    expr = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
    expr = expr.replace("$__range", "1h")
    return re.sub(r"\$\{?(\w+)\}?", "ticket", expr)


def check_grafana(root, recorded, promtool, problems):
    gdir = os.path.join(root, "deploy", "grafana")
    with open(os.path.join(gdir, "provisioning", "datasources", "prometheus.yml"),
              encoding="utf-8") as f:
        ds = yaml.safe_load(f)["datasources"]
    uids = {d.get("uid") for d in ds if d.get("type") == "prometheus"}
    exprs_all, seen_uids = [], set()
    dash_dir = os.path.join(gdir, "dashboards")
    files = sorted(f for f in os.listdir(dash_dir) if f.endswith(".json"))
    if not files:
        problems.add("deploy/grafana/dashboards", "no dashboards")
    for fname in files:
        where = f"deploy/grafana/dashboards/{fname}"
        try:
            with open(os.path.join(dash_dir, fname), encoding="utf-8") as f:
                dash = json.load(f)
        except ValueError as e:
            problems.add(where, f"invalid JSON: {e}")
            continue
        if not dash.get("uid") or dash["uid"] in seen_uids:
            problems.add(where, f"missing or duplicate uid {dash.get('uid')}")
        seen_uids.add(dash.get("uid"))

        def walk(panels):
            for p in panels:
                yield p
                yield from walk(p.get("panels") or [])

        for p in walk(dash.get("panels") or []):
            if p.get("type") == "row":
                continue
            for t in p.get("targets") or []:
                ds_uid = (t.get("datasource") or p.get("datasource") or {}).get("uid")
                if ds_uid not in uids:
                    problems.add(where, f"panel {p.get('title')!r} uses datasource "
                                 f"{ds_uid!r}, provisioned: {sorted(uids)}")
                if t.get("expr"):
                    exprs_all.append((where, p.get("title"), t["expr"]))
        for v in (dash.get("templating") or {}).get("list") or []:
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if q:
                check_metric_names(where, [q], recorded, problems)
    check_metric_names("deploy/grafana/dashboards",
                       [e for _, _, e in exprs_all], recorded, problems)
    # PromQL syntax: every panel query as a recording rule for promtool.
    if promtool and exprs_all:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            rules = [{"record": f"dashboard:check:{i}", "expr": grafana_substitute(e)}
                     for i, (_, _, e) in enumerate(exprs_all)]
            yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, f)
            tmp = f.name
        out = subprocess.run([promtool, "check", "rules", tmp],
                             capture_output=True, text=True)
        os.unlink(tmp)
        if out.returncode != 0:
            problems.add("deploy/grafana/dashboards",
                         "a panel query is not valid PromQL:\n" + out.stdout + out.stderr)


# ----------------------------------------------------------------- main

def run_checks(root, build_dir, promtool):
    """All checks; returns (rows, {binary: local-run settings}, [problems])."""
    problems = Problems()
    rows = read_services(root)
    if not rows:
        raise SystemExit("deploy/services.tsv lists no services")
    usages = {}
    for row in rows:
        usage, path = binary_usage(build_dir, row)
        if usage is None:
            problems.add(row["binary"], f"not built at {path}: this check reads the "
                         "settings a binary accepts from its --help (scripts/build "
                         "builds it)")
        usages[row["binary"]] = usage

    def local_run(extra_env, problems):
        traces, scratch = trace_local_run(root, rows, extra_env)
        try:
            return {row["binary"]: expected_settings(row, traces[row["binary"]],
                                                     usages[row["binary"]], scratch,
                                                     problems)
                    for row in rows}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    runs = local_run(None, problems)
    # Problems of scripts/run itself are reported once, from the plain run.
    runs_tls = local_run({"CS_TLS": "1"}, Problems())

    check_compose(root, rows, runs, usages, problems)
    check_compose(root, rows, runs_tls, usages, problems, COMPOSE_TLS_FILES, tls=True)
    check_prometheus(root, rows, problems)
    check_k8s(root, rows, runs, usages, problems)
    check_k8s(root, rows, runs_tls, usages, problems,
              load_k8s_tls_docs(root, problems), tls=True)
    recorded, exprs = rules_exprs(root)
    check_metric_names("deploy/prometheus/rules", exprs, recorded, problems)
    check_grafana(root, recorded, promtool, problems)
    return rows, runs, problems.items


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    parser.add_argument("--build-dir", default=os.environ.get("CS_BUILD_DIR", "build"))
    parser.add_argument("--promtool", default=shutil.which("promtool"))
    args = parser.parse_args(argv)
    root = os.path.realpath(args.root)
    build_dir = os.path.realpath(os.path.join(root, args.build_dir))
    rows, runs, problems = run_checks(root, build_dir, args.promtool)
    for row in rows:
        run = runs[row["binary"]]
        print(f"{row['name']}: {row['binary']} grpc {row['grpc_port']} metrics "
              f"{row['metrics_port']}; local run settings: "
              + ", ".join(f"{k}={v}" for k, v in sorted(run.items())))
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"OK: docker-compose.yml (+ docker-compose.tls.yml), deploy/prometheus and "
          f"deploy/k8s (+ deploy/k8s-tls) match "
          f"deploy/services.tsv and scripts/run for {len(rows)} service(s)")
    if not args.promtool:
        print("note: promtool not found, dashboard queries were not parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
