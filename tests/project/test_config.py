"""Production settings: refuse unsafe ones, secure cookies, shared rate-limit storage.

config.py reads the environment when it is imported, so each test loads a private copy of
it under the environment it sets (the app's own `config` module is left alone).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 40
ALL_SETTINGS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "SESSION_COOKIE_SECURE",
                "JOB_RETRY_INTERVALS", "METRICS_ALLOWED_IPS", "TRUSTED_PROXIES")


def load_config(monkeypatch, **env):
    for name in ALL_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("config_under_test", ROOT / "config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_refuses_the_default_secret_key(monkeypatch):
    config = load_config(monkeypatch, DATABASE_URL="postgresql://db/marketplace")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.ProductionConfig.check()


def test_production_refuses_a_short_secret_key(monkeypatch):
    config = load_config(monkeypatch, SECRET_KEY="x" * 31, DATABASE_URL="postgresql://db/marketplace")
    with pytest.raises(RuntimeError, match="32"):
        config.ProductionConfig.check()


def test_production_refuses_the_embedded_database(monkeypatch):
    config = load_config(monkeypatch, SECRET_KEY=GOOD_KEY)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        config.ProductionConfig.check()


def test_production_refuses_per_process_rate_limits_unless_asked_for(monkeypatch):
    config = load_config(monkeypatch, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgresql://db/marketplace")
    with pytest.raises(RuntimeError, match="rate-limit storage"):
        config.ProductionConfig.check()
    config = load_config(monkeypatch, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgresql://db/marketplace",
                         RATELIMIT_STORAGE_URI="memory://")
    config.ProductionConfig.check()  # a single-process deployment may choose it explicitly


def test_production_accepts_real_settings_with_secure_cookies(monkeypatch):
    config = load_config(monkeypatch, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgresql://db/marketplace",
                         REDIS_URL="redis://redis:6379/0")
    production = config.ProductionConfig
    production.check()
    assert production.SESSION_COOKIE_SECURE is True and production.REMEMBER_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY and production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.PREFERRED_URL_SCHEME == "https"
    assert config.DevelopmentConfig.SESSION_COOKIE_SECURE is False  # http://127.0.0.1 must keep working


def test_rate_limits_use_redis_in_production_unless_told_otherwise(monkeypatch):
    config = load_config(monkeypatch, REDIS_URL="redis://redis:6379/0")
    assert config.ProductionConfig.RATELIMIT_STORAGE_URI == "redis://redis:6379/0"
    assert config.DevelopmentConfig.RATELIMIT_STORAGE_URI == "memory://"

    config = load_config(monkeypatch, REDIS_URL="redis://redis:6379/0", RATELIMIT_STORAGE_URI="redis://redis:6379/1")
    assert config.ProductionConfig.RATELIMIT_STORAGE_URI == "redis://redis:6379/1"

    config = load_config(monkeypatch)
    assert config.ProductionConfig.RATELIMIT_STORAGE_URI == "memory://"


def test_job_and_metrics_settings_are_parsed(monkeypatch):
    config = load_config(monkeypatch, JOB_RETRY_INTERVALS="5, 15", METRICS_ALLOWED_IPS="10.0.0.0/8, 127.0.0.1",
                         TRUSTED_PROXIES="1")
    assert config.Config.JOB_RETRY_INTERVALS == [5, 15]
    assert config.Config.METRICS_ALLOWED_IPS == ["10.0.0.0/8", "127.0.0.1"]
    assert config.Config.TRUSTED_PROXIES == 1
    default = load_config(monkeypatch)
    assert default.Config.JOB_RETRY_INTERVALS == [10, 30, 60] and default.Config.JOB_MAX_RETRIES == 3
    assert default.TestingConfig.REDIS_URL == ""


def test_the_app_refuses_to_start_in_production_with_a_default_key():
    """End to end: `MARKETPLACE_ENV=production` with the default key never serves a request."""
    env = {k: v for k, v in os.environ.items() if k not in ALL_SETTINGS}
    env.update(MARKETPLACE_ENV="production", DATABASE_URL="postgresql://127.0.0.1:1/none")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr
