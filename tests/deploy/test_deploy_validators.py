"""The generated deployment files pass the real validators: nginx -t, promtool, docker-compose
config and the Kubernetes JSON schemas (kubernetes-validate, offline schemas in the package)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_helpers import (
    free_port,
    prometheus_config_for_test,
    require_binary,
    write_nginx_test_config,
)

K8S_FILES = ["namespace.yaml", "configmap.yaml", "api-deployment.yaml", "worker-deployment.yaml",
             "service.yaml", "ingress.yaml", "hpa.yaml", "pdb.yaml", "migrate-job.yaml"]


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def test_nginx_t(deploy_dir: Path, tmp_path: Path) -> None:
    nginx = require_binary("nginx")
    site = (deploy_dir / "deploy" / "nginx.conf").read_text()
    n_servers = site.count("server api-")
    conf = write_nginx_test_config(site, tmp_path / "nginx", free_port(),
                                   [free_port() for _ in range(n_servers)])
    r = run([nginx, "-t", "-p", str(conf.parent), "-c", str(conf), "-e",
             str(conf.parent / "error.log")])
    assert r.returncode == 0, r.stderr
    assert "test is successful" in r.stderr


def test_promtool_check_rules(deploy_dir: Path) -> None:
    promtool = require_binary("promtool")
    r = run([promtool, "check", "rules", str(deploy_dir / "deploy" / "prometheus" / "rules.yml")])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS" in r.stdout


@pytest.mark.parametrize("name", ["prometheus.yml", "prometheus-k8s.yml"])
def test_promtool_check_config(deploy_dir: Path, tmp_path: Path, name: str) -> None:
    promtool = require_binary("promtool")
    prom = deploy_dir / "deploy" / "prometheus"
    cfg = tmp_path / name
    text = prometheus_config_for_test((prom / name).read_text(), prom / "rules.yml")
    if name == "prometheus-k8s.yml":
        # Debian's promtool is built without Kubernetes service discovery ("field
        # kubernetes_sd_configs not found"). Check the discovery block's shape here, then let
        # promtool check everything else (relabelling, rules) with a static target in its place.
        doc = yaml.safe_load(text)
        for job in doc["scrape_configs"]:
            sd = job.pop("kubernetes_sd_configs")
            assert sd[0]["role"] == "pod" and sd[0]["namespaces"]["names"]
            job["static_configs"] = [{"targets": ["127.0.0.1:8000"]}]
        text = yaml.safe_dump(doc)
    cfg.write_text(text)
    r = run([promtool, "check", "config", str(cfg)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS" in r.stdout


def test_docker_compose_config(deploy_dir: Path) -> None:
    compose = require_binary("docker-compose")
    d = deploy_dir / "deploy"
    env = (d / ".env.example").read_text()
    env = env.replace("POSTGRES_PASSWORD=", "POSTGRES_PASSWORD=test-password")
    env = env.replace("JWT_SECRET=", "JWT_SECRET=" + "x" * 48)
    (d / ".env").write_text(env)
    try:
        r = run([compose, "-f", str(d / "docker-compose.yml"), "config"], cwd=d)
    finally:
        (d / ".env").unlink()
    assert r.returncode == 0, r.stderr
    resolved = yaml.safe_load(r.stdout)
    services = resolved["services"]
    apis = [s for s in services if s.startswith("api-")]
    assert apis and {"nginx", "worker", "postgres", "redis", "migrate"} <= set(services)
    for name in apis:
        env_ = services[name]["environment"]
        assert env_["DATABASE_URL"].startswith("postgresql+asyncpg://app:test-password@postgres")
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert "healthcheck" in services[name]
    assert "--appendonly" in services["redis"]["command"]


def test_docker_compose_refuses_missing_secrets(deploy_dir: Path) -> None:
    compose = require_binary("docker-compose")
    d = deploy_dir / "deploy"
    (d / ".env").write_text((d / ".env.example").read_text())  # blanks, as shipped
    try:
        r = run([compose, "-f", str(d / "docker-compose.yml"), "config"], cwd=d)
    finally:
        (d / ".env").unlink()
    assert r.returncode != 0
    assert "POSTGRES_PASSWORD" in r.stderr or "JWT_SECRET" in r.stderr


def test_kubernetes_schemas(deploy_dir: Path) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    k8s = deploy_dir / "deploy" / "k8s"
    for name in K8S_FILES:
        for doc in yaml.safe_load_all((k8s / name).read_text()):
            # strict: unknown fields are errors, not silently ignored by the API server.
            kv.validate(doc, kv.latest_version(), strict=True)


def test_kustomization_lists_every_manifest(deploy_dir: Path) -> None:
    k8s = deploy_dir / "deploy" / "k8s"
    kz = yaml.safe_load((k8s / "kustomization.yaml").read_text())
    for res in kz["resources"]:
        assert (k8s / res).is_file(), res
    assert set(kz["resources"]) == set(K8S_FILES) - {"migrate-job.yaml"}


def test_ci_workflow(deploy_dir: Path) -> None:
    wf = yaml.safe_load((deploy_dir / ".github" / "workflows" / "ci.yml").read_text())
    jobs = wf["jobs"]
    assert {"lint", "test", "deploy-files", "image"} <= set(jobs)
    assert {"postgres", "redis"} <= set(jobs["test"]["services"])
    text = (deploy_dir / ".github" / "workflows" / "ci.yml").read_text()
    assert "${{ github.sha }}" in text  # GitHub expressions survive the Jinja rendering
    build = [s for s in jobs["image"]["steps"] if "build-push-action" in s.get("uses", "")]
    assert build and build[0]["with"]["file"] == "deploy/Dockerfile"
