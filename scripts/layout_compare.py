"""Compare two snapshots of scripts/layout_snapshot.py; exit 1 on any loss or change."""

import json
import sys


def load(path):
    with open(path) as fh:
        return json.load(fh)


before, after = load(sys.argv[1]), load(sys.argv[2])
bad = 0
rows = 0
for table, value in before["tables"].items():
    now = after["tables"].get(table)
    if table == "django_migrations":  # grows by the new migrations, by design
        print(f"django_migrations: {value[0]} -> {now[0]} rows (the migrations applied)")
        if now[0] < value[0]:
            bad += 1
        continue
    rows += value[0] if value else 0
    if value != now:
        bad += 1
        print(f"CHANGED {table}: {value} -> {now}")
print(f"tables compared: {len(before['tables'])}, rows: {rows:,}, changed: {bad}")
ct_before = {i: (a, m) for i, a, m in before["content_types"]}
ct_after = {i: (a, m) for i, a, m in after["content_types"]}
moved = {i: (ct_before[i], ct_after.get(i)) for i in ct_before if ct_before[i] != ct_after.get(i)}
for i, (old, new) in sorted(moved.items()):
    print(f"content type {i}: {old[0]}.{old[1]} -> {new[0] + '.' + new[1] if new else 'GONE'}")
    if new is None or new[1] != old[1]:
        bad += 1
differ = [k for k in before["search"] if before["search"][k] != after["search"].get(k)]
for k in differ:
    print(f"SEARCH {k}: {before['search'][k]} -> {after['search'].get(k)}")
hits = sum(len(v) - 2 for v in before["search"].values())
print(
    f"search answers compared: {len(before['search'])} ({hits} results), different: {len(differ)}"
)
bad += len(differ)
print("OK: every row kept, search answers the same" if not bad else f"FAILED: {bad} differences")
sys.exit(1 if bad else 0)
