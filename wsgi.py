"""WSGI entry point: `gunicorn wsgi:app` (settings from the environment, see config.py)."""
from marketplace import create_app

app = create_app()
