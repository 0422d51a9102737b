"""Issue 15 (whole English): the stored R-L3 reasons stay Chinese (the API gives them as they
are) and are shown in the reader's language with the values they name; units of measure
read in English too."""

from django.utils import translation

from listings.review import checks
from listings.review import reasons as review_reasons
from listings.units import unit_label


def _reasons():
    return {
        "thin": checks.check_description(description="短").reason,
        "brand": checks.check_brand_in_title(
            kind="supply", title="宝钢Q235钢管", brand="宝钢", model="Q235", spec="", brand_terms=[]
        ).reason,
        "prohibited": checks.check_prohibited(
            title="枪支弹药", keyword="", attributes=[], description="", terms=["枪支", "弹药"]
        ).reason,
        "english_title": checks.check_english(title="steel pipe", description="").reason,
        "english_share": checks.check_english(
            title="钢管", description="stainless steel pipe for sale 钢管"
        ).reason,
        "duplicate": checks.check_duplicate(
            title="钢管", description="本公司长期供应钢管", others=[("钢管", "本公司长期供应钢管")]
        ).reason,
    }


def test_stored_details_are_chinese_whatever_the_language():
    with translation.override("en"):
        english_run = _reasons()
    assert english_run == _reasons()
    assert english_run["thin"]["detail"].startswith(
        "产品介绍信息过于简单：详细说明只有 1 个有效汉字"
    )
    assert "品牌“宝钢”、型号“Q235”" in english_run["brand"]["detail"]


def test_details_in_english_keep_the_values_they_name():
    reasons = _reasons()
    with translation.override("en"):
        shown = {
            k: review_reasons.reason_detail(r["code"], r["detail"]) for k, r in reasons.items()
        }
    assert shown["thin"].startswith("Description too thin:") and ": 1;" in shown["thin"]
    assert "brand “宝钢”, model “Q235”" in shown["brand"]
    assert "“枪支”, “弹药”" in shown["prohibited"]
    assert shown["english_title"].startswith("English-only listing: the product name")
    assert "%" in shown["english_share"] and "30%" in shown["english_share"]
    assert "“钢管”" in shown["duplicate"] and "100%" in shown["duplicate"]
    for text in shown.values():
        assert not any(checks.is_han(ch) for ch in _without_values(text))


def _without_values(text: str) -> str:
    for value in ("宝钢", "枪支", "弹药", "钢管"):
        text = text.replace(value, "")
    return text


def test_staff_reasons_and_fallbacks():
    other = checks.STAFF_OTHER % {"note": "图片模糊"}
    noted = checks.STAFF_NOTE % {"reason": checks.REASON_TEXTS["duplicate"], "note": "请修改"}
    with translation.override("en"):
        assert review_reasons.reason_detail("other", other) == "Other reason: 图片模糊"
        shown = review_reasons.reason_detail("duplicate", noted)
        assert shown.startswith("Duplicate listing: you already have") and "note: 请修改" in shown
        # Cut short or unknown: the standard text of its code.
        cut = review_reasons.reason_detail(
            "description_too_thin", "产品介绍信息过于简单：详细说明只"
        )
        assert cut.startswith("Description too thin: describe")
        assert review_reasons.reason_detail("nonsense", "某个原因") == "某个原因"
    # In Chinese, as stored.
    assert review_reasons.reason_detail("other", other) == other


def test_units_in_english_and_as_typed():
    assert unit_label("件", 5) == "件"
    with translation.override("en"):
        assert unit_label("件", 1) == "piece"
        assert unit_label("件", 100) == "pieces"
        assert unit_label("吨", 2) == "tons"
        assert unit_label("平方米", 3) == "m²"
        assert unit_label("捆", 3) == "捆"  # not a known unit: as the seller typed it
