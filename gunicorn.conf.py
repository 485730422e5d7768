"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (the app is wsgi:app).

Every value comes from the environment (see .env.example and docs/deploy.md):
  WEB_CONCURRENCY   cap on worker processes (default 2 x CPU cores + 1)
  PORT              port to listen on, all interfaces (default 8000); GUNICORN_BIND overrides
                    the whole address, e.g. 127.0.0.1:8000 or unix:/run/marketplace/web.sock
  FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-Proto is believed (default 127.0.0.1)
  GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_MAX_REQUESTS, GUNICORN_MAX_REQUESTS_JITTER
  PROMETHEUS_MULTIPROC_DIR  an empty directory: /metrics then adds up every worker
"""
import multiprocessing
import os


def _workers() -> int:
    suggested = 2 * multiprocessing.cpu_count() + 1
    cap = os.environ.get("WEB_CONCURRENCY")
    return max(1, min(suggested, int(cap))) if cap else suggested


wsgi_app = "wsgi:app"
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = _workers()
worker_class = "sync"  # the app is blocking I/O on PostgreSQL; scale with processes
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (a leak can't grow forever); jitter so they don't all restart at once.
# Not too often: a new worker starts with empty per-process caches (bench/README.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# Import the app once in the master: workers fork fast and share memory pages.
preload_app = True
# The app writes one JSON line per request itself (marketplace.access); gunicorn's would be a duplicate.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn >= 25 opens a control socket under $HOME by default: the image's HOME isn't writable
# and two instances on one host would fight over it. Restarts go through signals (docs/deploy.md).
control_socket_disable = True
# Heartbeat files on tmpfs: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def when_ready(server):
    """Compile the templates in the master once: every worker forked from it has them. Then freeze
    what the master holds (gc.freeze: the app, its modules, its templates; the workers inherit them
    and keep them for life): a full collection in a worker no longer walks them. With a warm card
    memo, a worker's full collections took 115-130 ms each (about 8 % of a category page's CPU);
    frozen, 15 ms (bench/README.md)."""
    import gc

    from marketplace.web.templating import compile_templates

    server.log.info("compiled %d templates", compile_templates(server.app.wsgi()))
    gc.collect()  # nothing already unreachable is frozen with the rest
    gc.freeze()
    server.log.info("froze %d objects for the workers", gc.get_freeze_count())


def post_fork(server, worker):
    """A preloaded app's connection pools must not be shared with the master: start each worker's empty."""
    from marketplace.extensions import db

    with server.app.wsgi().app_context():
        for engine in db.engines.values():  # the primary and the reader (marketplace/database.py)
            engine.dispose(close=False)


def child_exit(server, worker):
    """Forget a dead worker's live gauges (its counters stay in the totals)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
