# The marketplace: one image for the web app (gunicorn) and the background worker.
#   docker build -t marketplace .
#   docker run --env-file .env -p 8000:8000 marketplace          (web: migrate, then gunicorn)
#   docker run --env-file .env marketplace worker                 (background jobs)
# See docs/deploy.md. Settings come from the environment (.env.example lists them all).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=wsgi \
    MARKETPLACE_ENV=production \
    PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code belongs to root and is read-only for the app; only instance/ (uploads) is writable.
COPY . .
RUN python -m marketplace.i18n compile
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p instance/uploads \
 && chown -R app:app instance \
 && chmod 0755 scripts/*.sh

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["web"]
