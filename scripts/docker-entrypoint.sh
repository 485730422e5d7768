#!/usr/bin/env bash
# Container entry point (Dockerfile ENTRYPOINT). One image, several roles:
#   web      migrate (unless RUN_MIGRATIONS=0), optionally seed the demo, then serve with gunicorn
#   worker   `flask worker`: background jobs (SMS, email) from REDIS_URL
#   migrate  `flask db upgrade` only (a one-off deploy step)
#   anything else is run as given, e.g. `flask shell` or `scripts/backup.sh`
set -euo pipefail

# Several replicas may start at once: a PostgreSQL advisory lock lets one migrate while the
# others wait, then find the schema already at head.
migrate() {
  python - <<'PY'
import os, subprocess, sys
from sqlalchemy import create_engine, text

url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
engine = create_engine(url)
with engine.connect() as conn:
    conn.execute(text("SELECT pg_advisory_lock(7427001)"))
    try:
        code = subprocess.call(["flask", "db", "upgrade"])
    finally:
        conn.execute(text("SELECT pg_advisory_unlock(7427001)"))
sys.exit(code)
PY
}

# prometheus_client writes to this directory from the first import of the app on.
if [[ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

role="${1:-web}"
case "$role" in
  web)
    if [[ "${RUN_MIGRATIONS:-1}" == "1" ]]; then
      migrate
    fi
    if [[ "${SEED_DEMO:-0}" == "1" ]]; then
      flask seed-demo --if-empty
    fi
    if [[ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]]; then
      # Counters from a previous run would be added to this one's.
      rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    exec gunicorn -c gunicorn.conf.py
    ;;
  worker)
    shift
    exec flask worker "$@"
    ;;
  migrate)
    migrate
    ;;
  *)
    exec "$@"
    ;;
esac
