#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh, replacing what the database holds.
#
#   scripts/restore.sh [--yes] BACKUP_FILE [DATABASE_URL]     (default: $DATABASE_URL)
#
# The database must exist (it may be empty). Objects in the dump are dropped and
# recreated (--clean --if-exists), owned by the connecting user (--no-owner), all in ONE
# transaction: if anything fails, the database is left as it was. Without --yes it asks
# for the database name on a terminal and refuses when there is none.
# Stop the app and workers first, then run `flask db upgrade` if the dump is older than the code.
set -euo pipefail

confirmed=no
if [[ "${1:-}" == "--yes" ]]; then
  confirmed=yes
  shift
fi
file="${1:-}"
url="${2:-${DATABASE_URL:-}}"
if [[ -z "$file" ]]; then
  echo "usage: $0 [--yes] BACKUP_FILE [DATABASE_URL]   (refusing: no backup file given)" >&2
  exit 2
fi
if [[ ! -f "$file" || ! -r "$file" ]]; then
  echo "refusing: backup file '$file' does not exist or is not readable" >&2
  exit 2
fi
if [[ -z "$url" ]]; then
  echo "refusing: no DATABASE_URL given" >&2
  exit 2
fi
url="$(printf '%s' "$url" | sed -E 's#^postgres(ql)?\+[a-z0-9_]+://#postgresql://#')"
dbname="$(printf '%s' "$url" | sed -E 's#^[a-z]+://[^/]*/?##; s#\?.*$##')"

# A damaged or foreign file fails here, before anything is touched.
"${PG_RESTORE:-pg_restore}" --list "$file" >/dev/null

if [[ "$confirmed" != yes ]]; then
  if [[ ! -t 0 ]]; then
    echo "refusing: this replaces database '$dbname'; pass --yes to confirm" >&2
    exit 2
  fi
  read -r -p "This REPLACES everything in database '$dbname'. Type its name to go on: " answer
  if [[ "$answer" != "$dbname" ]]; then
    echo "aborted" >&2
    exit 1
  fi
fi

"${PG_RESTORE:-pg_restore}" --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --no-password --dbname="$url" "$file"
echo "restored $file into $dbname"
