#!/usr/bin/env bash
# Issue 13 proof: fill a PostgreSQL database with `seed_demo` on a commit from before the
# app split (default 0b32953, main before issue 13),
# add the rows the demo lacks (scripts/layout_fill_old.py), migrate it forward with this
# checkout, and compare: every row of every table that existed before (same columns, same content),
# the content types that moved, and the answers of the search API to a set of queries.
#
#   scripts/check_layout_migration.sh [BASE_COMMIT]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and the project's .venv. Uses (and drops
# at the start) the database marketplace_layout_check; tasks run in-process (no REDIS_URL).
set -euo pipefail
BASE=${1:-0b32953}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
DB=marketplace_layout_check
WORK=$(mktemp -d)
OUT=$(mktemp -d)
trap 'git -C "$ROOT" worktree remove --force "$WORK" >/dev/null 2>&1 || true' EXIT

git -C "$ROOT" worktree add --detach "$WORK" "$BASE" >/dev/null
dropdb --if-exists -h 127.0.0.1 -U postgres "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=marketplace.settings.local
unset REDIS_URL
export SNAPSHOT_COLUMNS="$OUT/columns.json"

echo "== $BASE: migrate and seed_demo"
(cd "$WORK" && "$PY" manage.py migrate -v0 && "$PY" manage.py seed_demo >/dev/null)
echo "== $BASE: inquiries, quotes, favourites, views, reports, TrustPass orders"
(cd "$WORK" && "$PY" manage.py shell --no-imports -c "$(cat "$ROOT/scripts/layout_fill_old.py")")
echo "== $BASE: snapshot"
(cd "$WORK" && "$PY" manage.py shell --no-imports -c "$(cat "$ROOT/scripts/layout_snapshot.py")" 2>/dev/null) >"$OUT/before.json"
echo "== this checkout: migrate forward"
(cd "$ROOT" && "$PY" manage.py migrate -v1 | grep -E "Applying|No migrations" || true)
echo "== this checkout: snapshot"
(cd "$ROOT" && "$PY" manage.py shell --no-imports -c "$(cat "$ROOT/scripts/layout_snapshot.py")" 2>/dev/null) >"$OUT/after.json"
"$PY" "$ROOT/scripts/layout_compare.py" "$OUT/before.json" "$OUT/after.json"
