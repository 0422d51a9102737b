"""The staff-maintained term lists the checks read (R-L3b prohibited, R-L3d brands)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..exceptions import InvalidListing, TermExists
from ..models import BrandTerm, ProhibitedTerm

TERM_MODELS = {"prohibited": ProhibitedTerm, "brand": BrandTerm}


def term_add(*, kind: str, term: str, note: str = ""):
    model = TERM_MODELS[kind]
    term = (term or "").strip()
    if not term or len(term) > 50:
        raise InvalidListing(
            _("请填写 1–50 个字的词语。"),
            fields={"term": [_("请填写 1–50 个字的词语。")]},
            rule=None,
        )
    try:
        with transaction.atomic():
            return model.objects.create(term=term, note=note.strip())
    except IntegrityError:
        raise TermExists(_("“%(term)s”已在列表中。") % {"term": term})


def term_remove(*, kind: str, term_id: int) -> None:
    model = TERM_MODELS[kind]
    obj = model.objects.filter(pk=term_id).first()
    if obj is not None:
        obj.delete()
