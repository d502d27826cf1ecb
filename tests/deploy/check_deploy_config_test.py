#!/usr/bin/env python3
"""Proves that check_deploy_config.py catches drift: each test copies the
repository's deployment files and scripts/run into a scratch tree, breaks one
thing the way a real change would, and expects the check to name it.

Hermetic: the service binaries are replaced by fakes whose --help lists the
common server settings plus the ones the committed deployment sets, so this
runs without a build. (The real binaries' --help is used by the deploy_config
test itself.)
"""

import os
import re
import shutil
import sys
import tempfile
import unittest

try:
    import yaml
except ImportError:
    print("SKIPPED: the python3 yaml module is missing (Debian: python3-yaml)")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import check_deploy_config as checker  # noqa: E402

COMMON_SETTINGS = {
    "host": "[default: 127.0.0.1]", "port": "[default: 0]",
    "metrics-port": "[default: 0]", "data-dir": "[required]",
    "auth-key-file": "[required]", "sync": "[default: true]",
    "shutdown-grace": "[default: 10s]",
}


class CheckDeployConfigTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="cs-deploy-selftest-")
        self.addCleanup(shutil.rmtree, self.root, True)
        for name in ("deploy", "scripts"):
            shutil.copytree(os.path.join(REPO, name), os.path.join(self.root, name))
        for name in checker.COMPOSE_TLS_FILES:
            shutil.copy(os.path.join(REPO, name), self.root)
        self.build = os.path.join(self.root, "fake-build")
        for row in checker.read_services(self.root):
            self.fake_binary(row)

    # --- helpers

    def fake_binary(self, row, extra=()):
        """A binary whose --help accepts the settings the deployment uses."""
        settings = dict(COMMON_SETTINGS)
        compose = checker.load_compose(self.root, checker.COMPOSE_TLS_FILES)
        service = (compose["services"] or {}).get(row["name"]) or {}
        for var in checker.compose_env(service):
            name = checker.env_to_setting(var)
            if name and name not in settings:
                # Key files are required; TLS files are optional (plaintext).
                required = name.endswith("-file") and not name.startswith("tls-")
                settings[name] = "[required]" if required else "[default: ]"
        for name in extra:
            settings[name] = "[default: ]"
        path = os.path.join(self.build, "services", row["dir"], row["binary"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lines = [f"Usage: {row['binary']} [flags]"] + [
            f"  --{n}  (env CS_{n.upper().replace('-', '_')})  setting {v}"
            for n, v in settings.items()]
        with open(path, "w") as f:
            f.write("#!/bin/sh\ncat <<'EOF'\n" + "\n".join(lines) + "\nEOF\n")
        os.chmod(path, 0o755)

    def edit(self, relpath, old, new, count=1):
        path = os.path.join(self.root, relpath)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text, f"{relpath} no longer contains {old!r}: update the test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, count))

    def problems(self):
        _, _, problems = checker.run_checks(self.root, self.build, None)
        return problems

    def assertProblem(self, pattern, problems=None):
        problems = self.problems() if problems is None else problems
        self.assertTrue(any(re.search(pattern, p) for p in problems),
                        f"no problem matches {pattern!r}; got:\n  " + "\n  ".join(problems))

    def ticket(self):
        rows = {r["name"]: r for r in checker.read_services(self.root)}
        self.assertIn("ticket", rows)
        return rows["ticket"]

    # --- the committed files are consistent

    def test_committed_files_pass(self):
        self.assertEqual(self.problems(), [])

    # --- a deployment that drifts from services.tsv / scripts/run

    # --- the mutual-TLS variants

    def test_tls_compose_service_without_client_certificate(self):
        self.edit("docker-compose.tls.yml",
                  "  CS_TLS_CLIENT_CERT_FILE: /run/cs-certs/client.pem\n", "")
        problems = self.problems()
        self.assertProblem(r"docker-compose.tls.yml: ticket: TLS: tls-client-cert-file "
                           r".* is not set", problems)
        self.assertProblem(r"docker-compose.tls.yml: analytics: missing setting "
                           r"tls-client-cert-file", problems)

    def test_tls_compose_server_with_another_services_certificate(self):
        self.edit("docker-compose.tls.yml", "CS_TLS_CERT_FILE: /run/cs-certs/routing.pem",
                  "CS_TLS_CERT_FILE: /run/cs-certs/ticket.pem")
        self.assertProblem(r"tls.yml: routing: TLS: tls-cert-file is "
                           r"/run/cs-certs/ticket.pem, not the service's own routing.pem")

    def test_tls_compose_health_check_without_tls(self):
        self.edit("docker-compose.tls.yml",
                  '"--tls-client-key-file=/run/cs-certs/client.key"]', "]")
        self.assertProblem(r"tls.yml: ticket: TLS: health check .* lacks "
                           r"--tls-client-key-file")

    def test_tls_compose_certificates_not_written_by_init_service(self):
        self.edit("docker-compose.tls.yml", "      - certs:/run/cs-certs\n",
                  "      - certs:/run/cs-certs:ro\n")
        self.assertProblem(r"tls.yml: ticket: no init service writes volume certs")

    def test_tls_k8s_probe_without_client_certificate(self):
        self.edit("deploy/k8s-tls/complaint.yaml",
                  '"--tls-client-cert-file=/run/cs-certs/client.pem",\n', "", count=3)
        self.assertProblem(r"deploy/k8s-tls/complaint.yaml: complaint: TLS: health check "
                           r".* lacks --tls-client-cert-file")

    def test_tls_k8s_missing_patch(self):
        self.edit("deploy/k8s-tls/kustomization.yaml", "  - path: escalation.yaml\n", "")
        problems = self.problems()
        self.assertProblem(r"deploy/k8s/escalation.yaml: escalation: TLS: tls-cert-file",
                           problems)

    def test_wrong_port_in_compose(self):
        self.edit("docker-compose.yml", 'CS_PORT: "50051"', 'CS_PORT: "50061"')
        self.assertProblem(r"docker-compose.yml: ticket: port is 50061, services.tsv says 50051")

    def test_misspelt_variable_in_compose(self):
        self.edit("docker-compose.yml", "CS_PII_KEY_FILE:", "CS_PII_KEY_FLIE:")
        problems = self.problems()
        self.assertProblem(r"ticket: sets pii-key-flie .*does not know \(typo\?\)", problems)
        self.assertProblem(r"ticket: missing setting pii-key-file", problems)

    def test_missing_compose_service(self):
        self.edit("docker-compose.yml", "\n  ticket:\n", "\n  ticket-old:\n")
        self.assertProblem(r"docker-compose.yml: no service ticket")

    def test_wrong_health_check(self):
        self.edit("docker-compose.yml", '"--addr=127.0.0.1:50051"', '"--addr=127.0.0.1:50052"')
        self.assertProblem(r"ticket: healthcheck .* is not cs-health-probe --addr=127.0.0.1:50051")

    def test_short_stop_grace_period(self):
        self.edit("docker-compose.yml", "stop_grace_period: 30s", "stop_grace_period: 5s")
        self.assertProblem(r"stop_grace_period 5s must exceed the server's shutdown grace")

    def test_setting_added_to_the_local_run_only(self):
        # Someone changes how the suite runs locally but not the deployment.
        self.edit("scripts/run", 'export CS_PII_KEY_FILE=',
                  'export CS_SYNC=false\nexport CS_PII_KEY_FILE=')
        problems = self.problems()
        self.assertProblem(r"docker-compose.yml: ticket: missing setting sync \(CS_SYNC\)", problems)
        self.assertProblem(r"deploy/k8s/ticket.yaml: ticket: missing setting sync", problems)

    def test_port_changed_in_services_tsv_only(self):
        row = self.ticket()
        self.edit("deploy/services.tsv", f"\t{row['grpc_port']}\t{row['metrics_port']}",
                  f"\t{row['grpc_port']}\t9111")
        problems = self.problems()
        self.assertProblem(r"docker-compose.yml: ticket: metrics-port is 9101, services.tsv says 9111", problems)
        self.assertProblem(r"prometheus.yml: job ticket scrapes \['ticket:9101'\], expected \[ticket:9111\]", problems)
        self.assertProblem(r"deploy/k8s/ticket.yaml: ticket: .*9111", problems)

    def test_new_service_row_needs_every_deployment(self):
        with open(os.path.join(self.root, "deploy", "services.tsv"), "a") as f:
            f.write("extra\textra\textra-server\t50059\t9109\n")
        row = {"name": "extra", "dir": "extra", "binary": "extra-server",
               "grpc_port": 50059, "metrics_port": 9109}
        self.fake_binary(row)
        problems = self.problems()
        self.assertProblem(r"docker-compose.yml: no service extra", problems)
        self.assertProblem(r"prometheus.yml: no scrape job extra", problems)
        self.assertProblem(r"prometheus-k8s.yml: no scrape job extra", problems)
        self.assertProblem(r"deploy/k8s: extra: expected one StatefulSet and one Service", problems)

    def test_unbuilt_binary_is_reported(self):
        row = self.ticket()
        os.remove(os.path.join(self.build, "services", row["dir"], row["binary"]))
        self.assertProblem(r"ticket-server: not built at")

    def test_stale_service_left_in_compose(self):
        self.edit("docker-compose.yml", "\nvolumes:\n",
                  "\n  retired:\n    image: ${CS_IMAGE:-cs-suite:dev}\n"
                  "    command: [\"retired-server\"]\n\nvolumes:\n")
        self.assertProblem(r"docker-compose.yml: retired: runs the suite image but is not a row")

    def test_data_volume_shared(self):
        self.edit("docker-compose.yml", "- ticket-data:/var/lib/cs", "- shared-data:/var/lib/cs")
        self.edit("docker-compose.yml", "\nvolumes:\n",
                  "\n  other:\n    image: busybox\n    volumes: [\"shared-data:/x\"]\n\nvolumes:\n"
                  "  shared-data: {}\n")
        self.assertProblem(r"ticket: data volume shared-data is shared with \['other'\]")

    def test_key_not_written_by_init_service(self):
        self.edit("docker-compose.yml", "- pii-key:/run/cs-keys/pii:ro", "- pii-other:/run/cs-keys/pii:ro")
        self.edit("docker-compose.yml", "\nvolumes:\n", "\nvolumes:\n  pii-other: {}\n")
        self.assertProblem(r"ticket: no init service writes volume pii-other")

    def test_prometheus_job_missing(self):
        self.edit("deploy/prometheus/prometheus.yml", "job_name: ticket", "job_name: tickets")
        problems = self.problems()
        self.assertProblem(r"prometheus.yml: no scrape job ticket", problems)
        self.assertProblem(r"prometheus.yml: job tickets is not a service", problems)

    def test_k8s_probe_on_wrong_port(self):
        self.edit("deploy/k8s/ticket.yaml", '"--addr=127.0.0.1:50051"', '"--addr=127.0.0.1:50099"',
                  count=3)
        self.assertProblem(r"ticket.yaml: ticket: readinessProbe is not a gRPC health check of port 50051")

    def test_k8s_root_filesystem_writable(self):
        self.edit("deploy/k8s/ticket.yaml", "readOnlyRootFilesystem: true",
                  "readOnlyRootFilesystem: false")
        self.assertProblem(r"ticket.yaml: ticket: root filesystem is not read-only")

    def test_k8s_key_from_configmap(self):
        self.edit("deploy/k8s/ticket.yaml", "secretName: cs-pii-key", "secretName: ''")
        self.assertProblem(r"ticket.yaml: ticket: pii-key-file must come from a Secret")

    def test_unknown_metric_in_dashboard(self):
        path = "deploy/grafana/dashboards/cs-kpi.json"
        self.edit(path, "cs_kpi_on_time_response_ratio", "cs_kpi_on_time_ratio", count=-1)
        self.assertProblem(r"unknown metric cs_kpi_on_time_ratio")

    def test_unknown_recording_rule_in_dashboard(self):
        path = "deploy/grafana/dashboards/cs-services-red.json"
        self.edit(path, "consumer_producer:cs_consumer_lag_events",
                  "consumer_producer:cs_consumer_lag", count=-1)
        self.assertProblem(r"unknown metric consumer_producer:cs_consumer_lag ")

    def test_unknown_metric_in_alert_rule(self):
        self.edit("deploy/prometheus/rules/cs-alerts.yml", "cs_store_is_write_stopped)",
                  "cs_store_is_write_stoped)")
        self.assertProblem(r"deploy/prometheus/rules: unknown metric cs_store_is_write_stoped")

    def test_dependency_on_another_service_needs_service_healthy(self):
        with open(os.path.join(self.root, "docker-compose.yml")) as f:
            services = yaml.safe_load(f)["services"]
        names = {r["name"] for r in checker.read_services(self.root)}
        dependent = [n for n in names
                     if any(isinstance(c, dict) and c.get("condition") == "service_healthy"
                            for c in (services.get(n, {}).get("depends_on") or {}).values())]
        if not dependent:
            self.skipTest("no service calls another one yet")
        self.edit("docker-compose.yml", "condition: service_healthy",
                  "condition: service_started")
        self.assertProblem(r"but does not depend on it with condition service_healthy")


if __name__ == "__main__":
    unittest.main(verbosity=2)
