"""docker-compose.yml, deploy/haproxy.cfg and the Kubernetes manifests agree with each other,
with the image and with what the local cluster measured; HAProxy itself checks its files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from deploy import sizing
from deploy.haproxy_config import (
    COMPOSE_APP_PORT,
    COMPOSE_BIND,
    COMPOSE_FILE,
    COMPOSE_REPLICAS,
    COOKIE,
    HEALTH_PATH,
    Server,
    compose_config,
    haproxy_config,
)
from devtools.live import ROOT

K8S = ROOT / "deploy" / "k8s"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def k8s_objects() -> dict[str, dict]:
    objects = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            objects[document["kind"]] = document
    return objects


OBJECTS = k8s_objects()


def haproxy_check(text: str, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    return subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)


needs_haproxy = pytest.mark.skipif(
    shutil.which("haproxy") is None and not os.environ.get("CI"),
    reason="haproxy not installed (apt-get install haproxy)",
)


# ------------------------------------------------------------------------------ HAProxy files


def test_compose_haproxy_cfg_is_what_the_generator_writes():
    assert COMPOSE_FILE.read_text() == compose_config(), "run: python -m deploy.haproxy_config"


@needs_haproxy
def test_haproxy_accepts_the_compose_configuration(tmp_path):
    result = haproxy_check(COMPOSE_FILE.read_text(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout + result.stderr


@needs_haproxy
def test_haproxy_accepts_the_ingress_backend_snippet(tmp_path):
    """The Service's raw backend lines, placed in a backend of ours, parse in HAProxy."""
    snippet = OBJECTS["Service"]["metadata"]["annotations"]["haproxy.org/backend-config-snippet"]
    config = haproxy_config([Server("app1", "127.0.0.1:1")], bind="127.0.0.1:8500")
    config += "".join(f"    {line}\n" for line in snippet.splitlines())
    result = haproxy_check(config, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_balancer_is_sticky_and_checks_the_health_endpoint():
    text = compose_config()
    assert f"cookie {COOKIE} insert indirect nocache" in text
    assert f"option httpchk GET {HEALTH_PATH}" in text
    assert re.search(r"timeout tunnel \d+h", text)
    assert "option redispatch" in text


# ---------------------------------------------------------------------------- docker-compose


def test_compose_runs_the_replicas_haproxy_names():
    services = COMPOSE["services"]
    apps = sorted(name for name in services if name != "haproxy")
    assert apps == [f"app{i}" for i in range(1, COMPOSE_REPLICAS + 1)]
    named = re.findall(r"^\s+server (\w+) (\w+):(\d+) ", COMPOSE_FILE.read_text(), re.MULTILINE)
    assert named == [(app, app, str(COMPOSE_APP_PORT)) for app in apps]
    for app in apps:
        assert services[app]["build"] == "."
        assert services[app]["environment"]["PORT"] == str(COMPOSE_APP_PORT)
        assert "command" not in services[app], "the image's own command (Dockerfile CMD)"


def test_compose_haproxy_reads_the_generated_file_and_waits_for_healthy_apps():
    haproxy = COMPOSE["services"]["haproxy"]
    assert "./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in haproxy["volumes"]
    assert any(port.endswith(":" + COMPOSE_BIND.split(":")[1]) for port in haproxy["ports"])
    assert haproxy["depends_on"] == {
        f"app{i}": {"condition": "service_healthy"} for i in range(1, COMPOSE_REPLICAS + 1)
    }
    assert re.fullmatch(r"haproxy:\d+\.\d+", haproxy["image"])


def test_compose_memory_limit_is_the_sized_limit():
    limit = COMPOSE["services"]["app1"]["deploy"]["resources"]["limits"]["memory"]
    assert limit == f"{sizing.memory_limit_mib()}M"


# ---------------------------------------------------------------------------------- Kubernetes


def container() -> dict:
    (only,) = OBJECTS["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    on_disk = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk
    assert set(OBJECTS) == {
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }


def test_probes_ask_the_health_endpoint_on_the_served_port():
    app = container()
    (port,) = app["ports"]
    env = {item["name"]: item["value"] for item in app["env"]}
    assert port["containerPort"] == int(env["PORT"])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert (get["path"], get["port"]) == (HEALTH_PATH, port["name"]), probe
    # A busy process answers late: liveness must not restart it (and drop its learners) early.
    liveness = app["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 60


def test_the_pod_runs_the_images_command_as_a_non_root_user():
    app = container()
    assert "command" not in app and "args" not in app
    security = OBJECTS["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] != 0
    assert app["securityContext"]["allowPrivilegeEscalation"] is False


def test_resources_are_sized_from_the_measured_memory():
    resources = container()["resources"]
    assert resources["requests"]["memory"] == f"{sizing.memory_request_mib()}Mi"
    assert resources["limits"]["memory"] == f"{sizing.memory_limit_mib()}Mi"
    assert resources["requests"]["cpu"] == sizing.CPU_REQUEST


def test_service_selects_the_pods_and_is_sticky():
    service, deployment = OBJECTS["Service"], OBJECTS["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == container()["ports"][0]["name"]
    annotations = service["metadata"]["annotations"]
    assert annotations["haproxy.org/cookie-persistence"] == COOKIE
    assert annotations["haproxy.org/check-http"] == HEALTH_PATH
    assert re.search(r"timeout tunnel \d+h", annotations["haproxy.org/backend-config-snippet"])
    assert service["spec"]["sessionAffinity"] == "ClientIP"


def test_ingress_routes_everything_to_the_service():
    ingress, service = OBJECTS["Ingress"], OBJECTS["Service"]
    assert ingress["spec"]["ingressClassName"] == "haproxy"
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    backend = path["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] == service["spec"]["ports"][0]["name"]


def test_autoscaler_scales_the_deployment_on_cpu_and_scales_in_slowly():
    hpa, deployment = OBJECTS["HorizontalPodAutoscaler"], OBJECTS["Deployment"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300


def test_pods_drain_before_they_stop():
    spec = OBJECTS["Deployment"]["spec"]["template"]["spec"]
    pre_stop = container()["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep" and int(pre_stop[1]) < spec["terminationGracePeriodSeconds"]
