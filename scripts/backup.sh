#!/usr/bin/env bash
# Back up the marketplace database to one compressed, restorable file.
#
#   scripts/backup.sh [DATABASE_URL]          (default: $DATABASE_URL)
#
# Writes $BACKUP_DIR/marketplace-<db>-<UTC timestamp>.dump (pg_dump custom format, which
# pg_restore can restore table by table and in parallel) and prints its path. The file
# appears only once the dump has finished, so a half-written backup is never mistaken
# for a good one. BACKUP_RETENTION_DAYS=N deletes this database's dumps older than N days.
# PG_DUMP picks the binary: its major version must be >= the server's (postgres:16 needs
# pg_dump 16), e.g. PG_DUMP=/usr/lib/postgresql/16/bin/pg_dump.
set -euo pipefail

url="${1:-${DATABASE_URL:-}}"
if [[ -z "$url" ]]; then
  echo "usage: $0 [DATABASE_URL]   (or set DATABASE_URL)" >&2
  exit 2
fi
# SQLAlchemy URLs name a driver (postgresql+psycopg2://); libpq wants plain postgresql://.
url="$(printf '%s' "$url" | sed -E 's#^postgres(ql)?\+[a-z0-9_]+://#postgresql://#')"

backup_dir="${BACKUP_DIR:-backups}"
mkdir -p "$backup_dir"
dbname="$(printf '%s' "$url" | sed -E 's#^[a-z]+://[^/]*/?##; s#\?.*$##')"
dbname="${dbname:-postgres}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$backup_dir/marketplace-$dbname-$stamp.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

"${PG_DUMP:-pg_dump}" --format=custom --compress=6 --no-password --dbname="$url" --file="$partial"
mv "$partial" "$target"
trap - EXIT

if [[ -n "${BACKUP_RETENTION_DAYS:-}" ]]; then
  find "$backup_dir" -maxdepth 1 -name "marketplace-$dbname-*.dump" -mtime "+$BACKUP_RETENTION_DAYS" -delete
fi
echo "$target"
