"""R-S2 / R-S3 rules: pure, no database."""

from datetime import UTC, datetime, timedelta

from search import ranking

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def test_match_level():
    assert ranking.match_level(title_phrase=True, title_all=True) == 3
    assert ranking.match_level(title_phrase=False, title_all=True) == 2
    assert ranking.match_level(title_phrase=False, title_all=False) == 1


def test_fresh_window_at_71h59_and_72h():
    assert ranking.is_fresh(T0, T0 + timedelta(hours=71, minutes=59))
    assert ranking.is_fresh(T0, T0 + timedelta(hours=72) - timedelta(microseconds=1))
    assert not ranking.is_fresh(T0, T0 + timedelta(hours=72))
    assert not ranking.is_fresh(None, T0)


def test_rank_key_orders_trustpass_then_fixed_then_escrow():
    k = ranking.rank_key
    assert k(trustpass=True, fixed_price=False, supports_escrow=False, fresh=True) > k(
        trustpass=False, fixed_price=True, supports_escrow=True, fresh=True
    )
    assert k(trustpass=False, fixed_price=True, supports_escrow=False, fresh=True) > k(
        trustpass=False, fixed_price=False, supports_escrow=True, fresh=True
    )
    assert k(trustpass=False, fixed_price=True, supports_escrow=True, fresh=False) == 0


def test_rank_valid_until_is_the_first_change():
    end_tp = T0 + timedelta(days=10)
    args = {"supports_escrow": False, "now": T0}
    assert ranking.rank_valid_until(
        published_at=T0, fixed_price=True, trustpass_changes_at=end_tp, **args
    ) == T0 + timedelta(hours=72)
    assert (
        ranking.rank_valid_until(
            published_at=T0, fixed_price=False, trustpass_changes_at=end_tp, **args
        )
        == end_tp
    )
    assert (
        ranking.rank_valid_until(
            published_at=T0 - timedelta(days=4),
            fixed_price=True,
            trustpass_changes_at=None,
            **args,
        )
        is None
    )


def test_sort_key_demoted_last_then_level_key_time_id():
    def key(**kw):
        base = {"demoted": False, "level": 1, "key": 0, "published_at": T0, "listing_id": 1}
        return ranking.sort_key(**{**base, **kw})

    assert key(demoted=True, level=3, key=7) > key(level=1, key=0)
    assert key(level=3) < key(level=2, key=7)
    assert key(key=4) < key(key=3, published_at=T0 + timedelta(days=1))
    assert key(published_at=T0 + timedelta(seconds=1)) < key()
    assert key(listing_id=2) < key(listing_id=1)


def test_flooding_at_1h59_and_2h():
    a, b, c = 1, 2, 3
    assert ranking.flooding_demoted([(a, T0), (b, T0 + timedelta(hours=1, minutes=59))]) == {b}
    assert ranking.flooding_demoted([(a, T0), (b, T0 + timedelta(hours=2))]) == set()
    # each later one counts from the one before it
    chain = [(a, T0), (b, T0 + timedelta(hours=1, minutes=30)), (c, T0 + timedelta(hours=3))]
    assert ranking.flooding_demoted(chain) == {b, c}
    # the same instant: the lower id is the first
    assert ranking.flooding_demoted([(b, T0), (a, T0)]) == {b}


def test_flood_group_key_normalises_the_keyword():
    assert ranking.flood_group_key(" 无缝 钢管 ") == ranking.flood_group_key("无缝钢管")
    assert ranking.flood_group_key("ＳＵＳ304") == ranking.flood_group_key("sus304")
