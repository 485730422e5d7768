"""Deployment files agree with the code: Dockerfile, compose, gunicorn settings, .env.example.
(tests/integration/test_gunicorn.py runs the entry point and gunicorn.conf.py for real.)

Docker can't run here, so compose is checked by its own parser when `docker compose` or
`docker-compose` is installed, and structurally (YAML) always.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENV_NAME = re.compile(r"""(?:os\.environ\.get|os\.environ\[|env_int|env_bool)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")
SHELL_NAME = re.compile(r"\$\{?([A-Z][A-Z0-9_]{2,})")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_env_example_lists_every_setting_the_code_reads():
    sources = [ROOT / "config.py", ROOT / "gunicorn.conf.py", ROOT / "wsgi.py", *(ROOT / "marketplace").rglob("*.py")]
    names = {name for path in sources for name in ENV_NAME.findall(path.read_text())}
    for script in (ROOT / "scripts").glob("*.sh"):
        # PROBE_*: the outside probe's own knobs (scripts/probe.sh, docs/probe.md), not the app's
        names |= {name for name in SHELL_NAME.findall(script.read_text()) if not name.startswith("PROBE_")}
    names |= {"PROMETHEUS_MULTIPROC_DIR", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}  # read by libraries
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SMS_API_KEY"} <= names
    assert names - listed == set(), "add these to .env.example"


def test_dockerfile_builds_a_non_root_image_that_checks_its_health():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile
    user = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", dockerfile, re.M)
    assert 'ENTRYPOINT ["scripts/docker-entrypoint.sh"]' in dockerfile and 'CMD ["web"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "instance"} <= set(ignored)


def test_entrypoint_runs_migrations_then_gunicorn_and_knows_the_worker():
    script = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    assert "set -euo pipefail" in script
    web = script[script.index("  web)"):script.index("  worker)")]
    assert web.index("migrate") < web.index("exec gunicorn -c gunicorn.conf.py")
    assert "exec flask worker" in script and '"flask", "db", "upgrade"' in script


def test_compose_services_match_the_image_roles():
    spec = compose()
    services = spec["services"]
    assert set(services) == {"app", "worker", "postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:16" and services["redis"]["image"] == "redis:7"
    assert services["app"]["command"] == ["web"] and services["worker"]["command"] == ["worker"]
    for name in ("app", "worker"):
        service = services[name]
        env = service["environment"]
        assert service["env_file"] == ".env"  # SECRET_KEY and the rest
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/1"
        assert "SECRET_KEY" not in env, "the secret comes from the env file, not the repository"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["environment"]["RUN_MIGRATIONS"] == "0"
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert "/health" in " ".join(services["app"]["healthcheck"]["test"])
    assert {"pgdata", "redisdata", "uploads"} <= set(spec["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_docs_use_the_same_commands_as_compose():
    docs = (ROOT / "docs" / "deploy.md").read_text()
    for command in ("docker compose up --build -d", "docker compose run --rm app migrate",
                    "flask worker", "scripts/backup.sh", "scripts/restore.sh", "gunicorn -c gunicorn.conf.py"):
        assert command in docs, command
    header = (ROOT / "docker-compose.yml").read_text().split("\n\n")[0]
    assert "docker compose up --build -d" in header and "docker compose run --rm app migrate" in header


def test_compose_file_is_valid_for_docker_compose(tmp_path):
    tool = (["docker", "compose"] if shutil.which("docker") and subprocess.run(
        ["docker", "compose", "version"], capture_output=True).returncode == 0 else None)
    if tool is None and shutil.which("docker-compose"):
        tool = ["docker-compose"]
    if tool is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed (the YAML checks above still ran)")
    (tmp_path / "docker-compose.yml").write_text((ROOT / "docker-compose.yml").read_text())
    (tmp_path / ".env").write_text("SECRET_KEY=" + "x" * 40 + "\n")
    result = subprocess.run([*tool, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("cores, cap, expected", [(2, None, 5), (2, "3", 3), (8, "40", 17), (1, "0", 1)])
def test_gunicorn_workers_follow_cores_capped_by_web_concurrency(monkeypatch, cores, cap, expected):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: cores)
    if cap is None:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    else:
        monkeypatch.setenv("WEB_CONCURRENCY", cap)
    monkeypatch.setenv("PORT", "9123")
    settings = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    assert settings["workers"] == expected
    assert settings["bind"] == ["0.0.0.0:9123"]
    assert settings["accesslog"] is None and settings["preload_app"] is True
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["wsgi_app"] == "wsgi:app"


def test_shell_scripts_parse_and_are_strict():
    for script in (ROOT / "scripts").glob("*.sh"):
        assert "set -euo pipefail" in script.read_text(), script.name
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0, script.name
    if shutil.which("shellcheck"):
        scripts = [str(s) for s in (ROOT / "scripts").glob("*.sh")]
        result = subprocess.run(["shellcheck", *scripts], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
