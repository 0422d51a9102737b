"""R-L3a–e at their edges (pure functions, no database)."""

import pytest

from listings.review import checks
from listings.review.checks import ListingValues, run_checks

# 40 distinct Chinese characters, so collapsing repeats never merges neighbours.
HAN = "本公司长期供应各种规格不锈钢无缝管质量可靠价钱优惠欢迎新老客户来电洽谈合作诚信经营交货及时"
assert len(set(HAN)) == len(HAN) >= 40


# --- R-L3e description too thin --------------------------------------------------------


def test_description_with_30_chinese_characters_passes():
    result = checks.check_description(description=HAN[:30], min_chars=30)
    assert result.passed
    assert result.code == "description_too_thin"


def test_description_with_29_chinese_characters_fails_with_how_to_fix():
    result = checks.check_description(description=HAN[:29], min_chars=30)
    assert not result.passed
    assert result.rule == "R-L3e"
    assert "29" in result.detail and "30" in result.detail
    assert "请补充" in result.detail


def test_markup_and_repeated_characters_do_not_count():
    padded = "<p><b>" + "好" * 200 + "</b></p>" + HAN[:28] + "&nbsp;ABCDEF 12345"
    assert checks.description_han_count(padded) == 29  # 好 once + 28
    assert not checks.check_description(description=padded, min_chars=30).passed
    assert checks.check_description(description=padded + HAN[28], min_chars=30).passed


def test_a_run_collapses_but_the_same_character_elsewhere_counts_again():
    assert checks.description_han_count("好好好产品好") == 4  # 好 产 品 好


# --- R-L3a duplicate -------------------------------------------------------------------

# 100 distinct symbols so difflib matches exactly what we intend.
BASE = "".join(chr(0x4E00 + i * 7) for i in range(100))


def _variant(changed: int) -> str:
    """BASE with its last `changed` characters replaced by characters not in BASE."""
    return BASE[: 100 - changed] + "".join(chr(0x8000 + i) for i in range(changed))


def test_similarity_90_percent_is_a_duplicate():
    other = _variant(10)
    assert checks.similarity(BASE, other) == pytest.approx(0.90)
    result = checks.check_duplicate(
        title="不锈钢无缝钢管", description=BASE, others=[("不锈钢无缝钢管", other)]
    )
    assert not result.passed
    assert result.code == "duplicate" and result.rule == "R-L3a"
    assert "重发" in result.detail


def test_similarity_89_percent_is_not_a_duplicate():
    other = _variant(11)
    assert checks.similarity(BASE, other) == pytest.approx(0.89)
    result = checks.check_duplicate(
        title="不锈钢无缝钢管", description=BASE, others=[("不锈钢无缝钢管", other)]
    )
    assert result.passed


def test_same_description_with_a_different_title_is_not_a_duplicate():
    result = checks.check_duplicate(
        title="不锈钢无缝钢管", description=BASE, others=[("不锈钢焊管", BASE)]
    )
    assert result.passed


def test_titles_compare_normalised():
    assert checks.normalise_title(" 不锈钢　无缝钢管！") == checks.normalise_title("不锈钢无缝钢管")
    assert checks.normalise_title("ＡＢＣ钢管") == checks.normalise_title("abc 钢管")
    result = checks.check_duplicate(
        title="不锈钢 无缝钢管", description=BASE, others=[("不锈钢无缝钢管！", BASE)]
    )
    assert not result.passed


def test_no_other_listing_no_duplicate():
    assert checks.check_duplicate(title="钢管", description=BASE, others=[]).passed


# --- R-L3c English information ---------------------------------------------------------


def test_description_with_30_percent_chinese_letters_passes():
    description = HAN[:30] + "a" * 70 + " 12345 !!!"  # digits and punctuation are not letters
    assert checks.chinese_share(description) == (30, 100)
    assert checks.check_english(title="钢管", description=description, min_share=0.30).passed


def test_description_with_29_percent_chinese_letters_fails():
    description = HAN[:29] + "a" * 71
    result = checks.check_english(title="钢管", description=description, min_share=0.30)
    assert not result.passed
    assert result.code == "english_only" and result.rule == "R-L3c"
    assert "29%" in result.detail and "30%" in result.detail


def test_title_without_chinese_fails_even_with_a_chinese_description():
    result = checks.check_english(title="Stainless steel pipe 304", description=HAN)
    assert not result.passed
    assert "产品名称" in result.detail


def test_markup_letters_are_not_counted_as_english():
    description = f'<div class="product-description" style="color:red">{HAN[:10]}</div>'
    assert checks.check_english(title="钢管", description=description).passed


# --- R-L3d brand / model / spec in the title --------------------------------------------


def _brand(**kw):
    values = {
        "kind": "supply",
        "title": "不锈钢无缝钢管",
        "brand": "宝钢",
        "model": "TP304",
        "spec": "Φ57×3.5",
        "brand_terms": [],
    }
    values.update(kw)
    return checks.check_brand_in_title(**values)


def test_title_holding_its_own_model_value_fails():
    result = _brand(title="供应TP304不锈钢无缝钢管")
    assert not result.passed
    assert result.code == "brand_model_in_title" and result.rule == "R-L3d"
    assert "型号“TP304”" in result.detail
    assert "“品牌”“型号”“规格”栏" in result.detail


def test_own_model_matches_ignoring_case_and_width():
    assert not _brand(title="供应ｔｐ３０４不锈钢无缝钢管").passed


def test_title_with_own_brand_or_spec_fails():
    assert not _brand(title="宝钢不锈钢无缝钢管").passed
    assert not _brand(title="不锈钢无缝钢管Φ57×3.5").passed


def test_clean_title_passes_and_empty_attributes_never_match():
    assert _brand().passed
    assert _brand(brand="", model="", spec="").passed


def test_title_with_a_listed_brand_fails():
    result = _brand(title="供应鞍钢不锈钢无缝钢管", brand="", brand_terms=["鞍钢", "首钢"])
    assert not result.passed
    assert "鞍钢" in result.detail and "首钢" not in result.detail


def test_demand_listing_may_name_a_brand_in_its_title():
    assert _brand(kind="demand", title="求购宝钢TP304无缝钢管").passed


# --- R-L3b prohibited products ----------------------------------------------------------


def _prohibited(**kw):
    values = {
        "title": "不锈钢无缝钢管",
        "keyword": "钢管",
        "attributes": ["宝钢", "TP304", ""],
        "description": HAN,
        "terms": ["枪支", "象牙", "Heroin"],
    }
    values.update(kw)
    return checks.check_prohibited(**values)


def test_prohibited_term_inside_a_longer_word_is_found():
    # Chinese has no word boundaries: 枪支 inside 仿真枪支配件 is the term.
    result = _prohibited(title="仿真枪支配件")
    assert not result.passed
    assert result.code == "prohibited_product" and result.rule == "R-L3b"
    assert "“枪支”" in result.detail


def test_prohibited_term_found_in_keyword_attributes_and_description():
    assert not _prohibited(keyword="象牙雕刻").passed
    assert not _prohibited(attributes=["", "象牙白", ""]).passed
    assert not _prohibited(description=HAN + "，另有<b>象</b>牙制品").passed  # markup split
    assert not _prohibited(description=HAN + " pure HEROIN").passed


def test_spaces_and_punctuation_inside_a_term_do_not_hide_it():
    assert not _prohibited(title="仿真枪 支").passed
    assert not _prohibited(title="仿真枪·支").passed


def test_clean_listing_passes_prohibited_check():
    assert _prohibited().passed


# --- all of them -------------------------------------------------------------------------


def test_run_checks_gives_every_code_in_order():
    values = ListingValues(
        kind="supply",
        title="不锈钢无缝钢管",
        keyword="无缝钢管",
        description=HAN,
        brand="宝钢",
        model="TP304",
        spec="Φ57×3.5",
    )
    results = run_checks(values)
    assert [r.code for r in results] == list(checks.CHECK_CODES)
    assert all(r.passed for r in results)
    assert [r.rule for r in results] == ["R-L3a", "R-L3b", "R-L3c", "R-L3d", "R-L3e"]


def test_run_checks_reports_every_failure():
    values = ListingValues(
        kind="supply",
        title="Gun TP304",
        keyword="gun",
        description="gun gun",
        model="TP304",
    )
    results = run_checks(
        values, others=[("gun tp304", "gun gun")], prohibited_terms=["gun"], brand_terms=[]
    )
    assert [r.code for r in results if not r.passed] == list(checks.CHECK_CODES)
    for r in results:
        assert r.reason == {"code": r.code, "detail": r.detail, "rule": r.rule}
        assert r.detail.startswith(checks.CHECK_LABELS[r.code][:2])


def test_compact_drops_spaces_punctuation_and_symbols_also_beyond_the_basic_plane():
    assert checks.compact("ＡＢＣ，钢管😀 !\t·管") == "abc钢管管"
    assert checks.compact("𠀀钢") == "𠀀钢"  # a Han character beyond the basic plane stays
