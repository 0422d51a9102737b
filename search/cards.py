# ruff: noqa: S608 -- identifiers come from the models' metadata; the ids are a parameter.
"""The listings of a search page, with their company, category and first image, in one
statement (R-S1–R-S3 results; the cards of the search, category and buy-lead pages and the
search API).

This runs on every search. Built with the ORM (select_related, defer, an annotated
subquery) the statement took longer to compile than to run, so its SQL is written once per
process from the models' metadata (and on PostgreSQL prepared once per connection,
`search_prepared`), and the instances are made as the ORM makes them (field converters,
`Model.from_db` or what it leaves behind, the relation cache). Fields in `heavy` are left
deferred, as `QuerySet.defer` would, and so are the bookkeeping fields below and the
company's fields other than COMPANY_FIELDS.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from listings.models import Category, Listing, ListingImage
from members.models import Company

from . import prepared

# What a card shows of the company (search card, buy-lead card, search API; a buy lead
# without contacts of its own shows the company's); the rest of a company is loaded only if
# asked for.
COMPANY_FIELDS = (
    "id",
    "member_id",
    "name",
    "province",
    "verified",
    "credit_score",
    "contact_name",
    "phone",
    "email",
)
# Review and ranking bookkeeping that no card shows (the hit carries its ranking keys).
BOOKKEEPING = (
    "submitted_at",
    "review_deadline",
    "reviewed_at",
    "reviewed_by",
    "review_round",
    "checked_at",
    "rejection_emailed_round",
    "title_key",
    "withdrawn_at",
    "went_live_at",
    "refreshed_at",
    "updated_at",
    "flood_key",
    "rank_demoted",
    "rank_key",
    "rank_valid_until",
)


def _fields(model, skip=()):
    if model is Company:
        return [f for f in model._meta.concrete_fields if f.name in COMPANY_FIELDS]
    if model is Listing:
        skip = (*skip, *BOOKKEEPING)
    return [f for f in model._meta.concrete_fields if f.name not in skip]


@cache
def _sql(vendor: str, heavy: tuple[str, ...], ids: str) -> str:
    """The statement, `ids` standing for the ids (`= ANY(%(ids)s)`, or a list of
    placeholders)."""
    q = connection.ops.quote_name
    cols = [f"l.{q(f.column)}" for f in _fields(Listing, heavy)]
    cols += [f"c.{q(f.column)}" for f in _fields(Company)]
    cols += [f"g.{q(f.column)}" for f in _fields(Category)]
    img = ListingImage._meta
    image = (
        f"(SELECT i.{q(img.get_field('image').column)} FROM {q(img.db_table)} i"
        f" WHERE i.{q(img.get_field('listing').column)} = l.{q('id')}"
        f" ORDER BY i.{q(img.get_field('position').column)}, i.{q('id')} LIMIT 1)"
    )
    return (
        f"SELECT {', '.join(cols)}, {image} FROM {q(Listing._meta.db_table)} l"
        f" JOIN {q(Company._meta.db_table)} c"
        f" ON c.{q('id')} = l.{q(Listing._meta.get_field('company').column)}"
        f" LEFT JOIN {q(Category._meta.db_table)} g"
        f" ON g.{q('id')} = l.{q(Listing._meta.get_field('category').column)}"
        f" WHERE l.{q('id')} {ids}"
    )


def _fetch(db, cur, ids: list[int], heavy: tuple[str, ...]) -> list[tuple]:
    if db.vendor != "postgresql":
        cur.execute(_sql(db.vendor, heavy, f"IN ({', '.join(['%s'] * len(ids))})"), ids)
    else:  # prepared once per connection: planning it cost more than running it
        prepared.execute(cur, _sql("postgresql", heavy, "= ANY(%(ids)s)"), {"ids": ids})
    return cur.fetchall()


@cache
def _converters(
    vendor: str, model, heavy: tuple[str, ...]
) -> tuple[tuple[int, object, tuple], ...]:
    """(position, column, converters) of the fields whose database value needs converting:
    the backend's, then the field's own, as the ORM applies them."""
    out = []
    for i, f in enumerate(_fields(model, heavy)):
        col = f.get_col(model._meta.db_table)
        converters = (*connection.ops.get_db_converters(col), *f.get_db_converters(connection))
        if converters:
            out.append((i, col, converters))
    return tuple(out)


@cache
def _attnames(model, heavy: tuple[str, ...]) -> list[str]:
    return [f.attname for f in _fields(model, heavy)]


def _maker(db, model, heavy: tuple[str, ...] = ()):
    """A function making an instance of `model` from its values in a row, as the ORM does.

    When no one listens to the model's init signals it does what `from_db` would leave
    behind, without its per-field work: the loaded values in the instance's dict, deferred
    fields absent, the state of a saved row (a page makes 60 instances; a tenth of the cost).
    """
    converters = _converters(db.vendor, model, heavy)
    attnames = _attnames(model, heavy)
    alias = db.alias
    plain = not (pre_init.has_listeners(model) or post_init.has_listeners(model))

    def make(values):
        if converters:
            values = list(values)
            for i, col, funcs in converters:
                for func in funcs:
                    values[i] = func(values[i], col, db)
        if not plain:
            return model.from_db(alias, attnames, values)
        obj = model.__new__(model)
        obj.__dict__.update(zip(attnames, values, strict=True))
        state = obj._state = ModelState()
        state.adding = False
        state.db = alias
        return obj

    return make


def listing_cards(ids: list[int], *, heavy: tuple[str, ...]) -> dict[int, tuple[Listing, str]]:
    """{id: (listing with company and category loaded, first image name or "")}."""
    if not ids:
        return {}
    db = prepared.search_connection()  # once (the primary's, or the replica's for a visitor)
    a = len(_fields(Listing, heavy))
    b = a + len(_fields(Company))
    c = b + len(_fields(Category))
    with db.cursor() as cur:
        rows = _fetch(db, cur, list(ids), heavy)
    make_listing = _maker(db, Listing, heavy)
    make_company = _maker(db, Company)
    make_category = _maker(db, Category)
    set_company = Listing._meta.get_field("company").set_cached_value
    set_category = Listing._meta.get_field("category").set_cached_value
    out = {}
    for row in rows:
        listing = make_listing(row[:a])
        set_company(listing, make_company(row[a:b]))
        category = row[b:c]
        set_category(listing, make_category(category) if category[0] else None)
        out[listing.pk] = (listing, row[-1] or "")
    return out
