"""The load test's report (bench/load/run.py): per kind of request, the variants side by
side, and the targets of issue 16."""

from __future__ import annotations

TARGETS = [  # (what, request names, p95 limit in ms)
    ("search page p95 ≤ 150 ms", ["search page"], 150),
    ("search API p95 ≤ 150 ms", ["search API"], 150),
    ("listing page p95 ≤ 100 ms", ["listing page"], 100),
    ("company page p95 ≤ 100 ms", ["company page"], 100),
    ("posting a listing with a photo p95 ≤ 400 ms", ["post listing with photo"], 400),
]


# --- the report ----------------------------------------------------------------------------------


def fmt(v, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.0f}{unit}" if v >= 10 else f"{v:.1f}{unit}"
    return f"{v}{unit}"


def secs(v) -> str:
    return "–" if v is None else f"{v:.2f}"


def table(result: dict) -> str:
    rows = [
        f"{'request':32} {'count':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>7} {'5xx':>5}"
    ]
    for name, r in sorted(result["requests"].items()):
        rows.append(
            f"{name:32} {r['count']:>7} {fmt(r['p50']):>7} {fmt(r['p95']):>7} {fmt(r['p99']):>7}"
            f" {r['errors']:>7} {r['fivexx']:>5}"
        )
    c = result["checks"]
    rows.append(
        f"{'submission → checks done (s)':32} {c['checked']:>7} {secs(c['p50_s']):>7}"
        f" {secs(c['p95_s']):>7} {secs(c['p99_s']):>7} {c['unchecked_after_drain']:>7}"
        "   (errors: still unchecked 20 s after the run)"
    )
    return "\n".join(rows)


def targets(result: dict) -> list[tuple[str, str, bool]]:
    out = [("no 5xx", str(result["fivexx_total"]), result["fivexx_total"] == 0)]
    for what, names, limit in TARGETS:
        values = [result["requests"][n]["p95"] for n in names if n in result["requests"]]
        if values:
            out.append((what, f"{max(values):.0f} ms", max(values) <= limit))
    c = result["checks"]
    ok = c["p95_s"] is not None and c["p95_s"] <= 5 and not c["unchecked_after_drain"]
    out.append(("submission → checks done p95 ≤ 5 s", f"{secs(c['p95_s'])} s", ok))
    return out


def report(results: list[dict], *, title: str, settle: float) -> None:
    """Print every variant's figures under `title`; measuring began `settle` s after the
    ramp-up."""
    print()
    print(f"== load test: {title} ==")
    for r in results:
        cpu = r["cpu"]
        print(f"\n--- {r['variant']} --- (times in ms)")
        print(table(r))
        print(
            f"measured {r['measured_seconds']:.0f} s, from {settle:g} s after the ramp-up;"
            f" /healthz alone {fmt(r['trivial_rps'])} req/s; 5xx over the whole run: {r['fivexx_total']};"
            f" tracebacks in the web log: {r['server_errors_logged']}"
        )
        print(
            f"machine: {r['load_before']} before, {r['load_after']} after; CPU busy"
            f" {cpu['machine_busy_pct']:.0f}% of all cores: this test's processes (web, workers,"
            f" Locust) {cpu['ours_pct']:.0f}%, PostgreSQL for its database"
            f" {cpu['postgres_pct']:.0f}%, everything else {cpu['others_pct']:.0f}%"
        )
        hits = {
            name: f["page_cache_hits"] / f["count"]
            for name, f in sorted(r["requests"].items())
            if f.get("page_cache_hits") and f["count"]
        }
        if hits:
            print(
                "served from visitors' page cache: "
                + ", ".join(f"{name} {share:.0%}" for name, share in hits.items())
            )
        if r.get("timeline"):
            print(
                "p95 of every request per 10 s (ms): "
                + " ".join(f"{w['p95']:.0f}" for w in r["timeline"])
            )
        if cpu.get("parts_pct"):
            print(
                "ours by process (% of all cores): "
                + ", ".join(f"{k} {v:g}" for k, v in sorted(cpu["parts_pct"].items()))
            )
        if "credit" in r:
            print(f"nightly credit recompute sent half-way: {r['credit']}")
    if len(results) > 1:
        names = sorted({n for r in results for n in r["requests"]})
        head = f"{'p50 / p95 / p99 ms':32}" + "".join(f" {r['variant']:>22}" for r in results)
        print("\n--- side by side ---")
        print(head)
        for n in names:
            cells = []
            for r in results:
                x = r["requests"].get(n)
                cells.append(
                    f" {fmt(x['p50']) + ' / ' + fmt(x['p95']) + ' / ' + fmt(x['p99']):>22}"
                    if x
                    else f" {'–':>22}"
                )
            print(f"{n:32}" + "".join(cells))
        print(
            f"{'checks done p50 / p95 s':32}"
            + "".join(
                f" {secs(r['checks']['p50_s']) + ' / ' + secs(r['checks']['p95_s']):>22}"
                for r in results
            )
        )
        print(
            f"{'/healthz alone req/s':32}"
            + "".join(f" {fmt(r['trivial_rps']):>22}" for r in results)
        )
    print("\n--- targets ---")
    for r in results:
        for what, value, ok in targets(r):
            print(f"{r['variant']:10} {what:46} {value:>9}  {'MET' if ok else 'NOT MET'}")
