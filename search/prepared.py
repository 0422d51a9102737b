"""The search's statements, prepared once per database connection (PostgreSQL).

Planning cost more than running for most of what a search sends: the read of rows whose key
ran out plans in 0.4 ms and runs in 0.04 ms; a probe of the order index spends 0.6 of its
3.3 ms planning (1,000,000 listings, bench/search.py). So each statement text, with its
`%(name)s` parameters, is prepared on its first use on a connection (`$n` parameters, their
types inferred by PostgreSQL from where they stand) and then executed.

`generic=True` (the probes of the order index, the read of rows whose key ran out, the cards)
keeps one plan for all values (`plan_cache_mode = force_generic_plan`): it reads one index
whatever the values. The reads through a GIN index are planned again for their values
(`force_custom_plan`): planned without them, PostgreSQL combined the GIN index with the
category index (100,000 entries, 17 ms more). The `SET LOCAL`s sent with a statement are part
of its key here. Inside a caller's transaction the plan mode set here stays to its end; it
bears on prepared statements only, and each one sent from here sets its own.
"""

from __future__ import annotations

import re
import weakref
from functools import cache

from django.db import connection, connections, router

# Statements prepared per connection, at most; after that a statement is sent as it is.
MAX_PREPARED = 200
PLAN_MODE = {
    True: "SET LOCAL plan_cache_mode = force_generic_plan; ",
    False: "SET LOCAL plan_cache_mode = force_custom_plan; ",
}

_PARAM = re.compile(r"%\((\w+)\)s|%%")
# driver connection -> {(settings, sql): (statement name, parameter names)}
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@cache
def positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with `$1, $2, …` for its `%(name)s` parameters, and the names in that order."""
    names: list[str] = []

    def number(m: re.Match) -> str:
        if m.group(0) == "%%":
            return "%"
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return _PARAM.sub(number, sql), tuple(names)


def search_connection():
    """The connection a search reads through: the one the database routers give listings, so a
    visitor's search reads from the read replica when one is configured
    (marketplace/db_router.py), anything else from the primary."""
    from listings.models import Listing

    return connections[router.db_for_read(Listing)]


def execute(cur, sql: str, params: dict, *, settings: str = "", generic: bool = True) -> None:
    """Run `settings` (SET LOCAL statements, or "") and then `sql` with `params`, through a
    statement prepared on the connection of `cur` (the primary's or the replica's: each
    connection prepares its own); `generic`: one plan for all values."""
    db = getattr(cur, "db", connection)
    if db.vendor != "postgresql":
        cur.execute(sql, params)
        return
    raw = db.connection
    statements = _prepared.setdefault(raw, {})
    key = (settings, sql)
    found = statements.get(key)
    if found is None:
        if len(statements) >= MAX_PREPARED:
            cur.execute(settings + sql, params)
            return
        text, names = positional(sql)
        name = f"listing_search_{len(statements)}"
        cur.execute(f"PREPARE {name} AS {text}")
        found = statements[key] = (name, names)
    name, names = found
    args = ", ".join(f"%({n})s" for n in names)
    mode = PLAN_MODE[generic]
    cur.execute(f"{settings}{mode}EXECUTE {name}" + (f" ({args})" if names else ""), params)
