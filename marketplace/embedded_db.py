"""The embedded PostgreSQL used when no DATABASE_URL is given.

`pgserver` ships a real PostgreSQL in a wheel. The server keeps running after
this process exits (cleanup_mode=None), so the next `make run` reuses it and
starts in well under a second.
"""
import warnings
from pathlib import Path

DATABASE_NAME = "marketplace"


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the server under `data_dir` and return a SQLAlchemy URL."""
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on servers
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: production never needs it

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    # B608 (SQL built from a string): `database` is one of our constant names, never user input
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # nosec B608
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return f"postgresql+psycopg2://postgres@/{database}?host={data_dir}"
