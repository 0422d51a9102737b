# Run by check_layout_migration.sh through `manage.py shell -c`: prints a JSON snapshot of
# every table (row count and a checksum of its rows over the columns of the first
# snapshot), the content types, and the search API's answers.
import json
import os

from django.db import connection
from django.test import Client

columns_file = os.environ["SNAPSHOT_COLUMNS"]
with connection.cursor() as cur:
    cur.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    )
    columns: dict = {}
    for table, column in cur.fetchall():
        columns.setdefault(table, []).append(column)
if os.path.exists(columns_file):
    with open(columns_file) as fh:
        columns = json.load(fh)  # compare over the columns the old layout had
else:
    with open(columns_file, "w") as fh:
        json.dump(columns, fh)
tables = {}
with connection.cursor() as cur:
    for table, cols in sorted(columns.items()):
        if table == "django_content_type":
            continue  # compared by model below (app labels move on purpose)
        cur.execute("SELECT to_regclass(%s)", [f'public."{table}"'])
        if cur.fetchone()[0] is None:
            tables[table] = None
            continue
        quoted = ", ".join(f'"{c}"' for c in cols)
        # Table and column names come from the catalog, not from a user.
        sql = (
            "SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
            f' FROM (SELECT {quoted} FROM "{table}") r'
        )
        cur.execute(sql)
        tables[table] = list(cur.fetchone())
    cur.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
    content_types = [list(r) for r in cur.fetchall()]

client = Client(HTTP_HOST="127.0.0.1")
queries = ["", "钢管", "不锈钢", "304", "茶叶", "服装", "机械", "LED", "有限公司", "包装"]
search = {}
for kind in ("supply", "demand"):
    for q in queries:
        for page in (1, 2):
            resp = client.get("/api/v1/search/", {"q": q, "kind": kind, "page": page})
            body = resp.json()
            search[f"{kind}|{q}|{page}"] = [resp.status_code, body.get("count")] + [
                r["id"] for r in body.get("results", [])
            ]
print(json.dumps({"tables": tables, "content_types": content_types, "search": search}))
