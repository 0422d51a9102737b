"""Issue 15 (whole English): credit's ratings, certificate kinds and refusals speak the
active language; Chinese stays the default."""

import re

from django.utils import translation

from credit.exceptions import AlreadyReviewed
from credit.models import Certificate, Rating

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def test_ratings_and_kinds():
    assert [str(label) for label in Rating.labels] == ["好评", "中评", "差评"]
    with translation.override("en"):
        assert [str(label) for label in Rating.labels] == ["Positive", "Neutral", "Negative"]
        assert all(not CJK.search(str(label)) for label in Certificate.Kind.labels)
        assert not CJK.search(AlreadyReviewed().as_dict()["detail"])
    assert CJK.search(AlreadyReviewed().as_dict()["detail"])
