"""R-S1 tokenisation: pure, no database."""

import pytest

from search.tokenize import (
    MAX_QUERY_CHARS,
    build_document,
    document_lexemes,
    document_to_tsvector,
    highlight_spans,
    lexemes_to_tsvector,
    parse_query,
    phrase_matches,
    phrase_to_tsquery,
    tokens_match,
    tokens_to_tsquery,
)

TITLE = "供应优质不锈钢304无缝钢管"


def matches(query: str, *fields: str) -> bool:
    return tokens_match(document_lexemes(fields), parse_query(query).all_tokens)


@pytest.mark.parametrize(
    "query", ["钢管", "不锈钢", "无缝钢管", "锈钢管", "304不锈钢", "钢", "管", "304", "不锈钢304"]
)
def test_words_parts_and_single_characters_match(query):
    assert matches(query, TITLE)


@pytest.mark.parametrize("query", ["铜管", "钢板", "305", "阀门", "管钢"])
def test_other_words_do_not_match(query):
    assert not matches(query, TITLE)


def test_single_character_matches_at_the_start_middle_and_end_of_a_word():
    for text in ("阀门批发", "球阀", "供应球阀门"):
        assert matches("阀", text), text


@pytest.mark.parametrize("query", ["SUS304", "sus304", "Sus304", "SUS", "sus3", "ＳＵＳ３０４"])
def test_latin_and_digit_codes_match_case_insensitively(query):
    assert matches(query, "日本SUS304不锈钢板")


def test_q235b_matches_as_typed_and_by_its_start():
    assert matches("Q235B", "Q235B热轧卷板")
    assert matches("q235", "Q235B热轧卷板")
    assert not matches("Q345", "Q235B热轧卷板")


def test_full_width_digits_match_ascii_and_back():
    assert matches("304", "不锈钢３０４无缝管")
    assert matches("３０４", "不锈钢304无缝管")


def test_no_match_across_the_boundary_of_two_fields():
    # title ends with 钢, keyword starts with 管: 钢管 is in neither field
    assert not matches("钢管", "优质不锈钢", "管件")
    assert matches("钢管", "优质不锈钢", "钢管")


def test_no_bigram_across_a_separator():
    assert not matches("钢管", "不锈钢，管件")
    assert not matches("钢管", "不锈钢 管件")


def test_query_terms_are_all_required():
    assert matches("不锈钢 钢管", TITLE)
    assert not matches("不锈钢 铜管", TITLE)


def test_whole_query_phrase_is_contiguous():
    title = build_document([TITLE])
    assert phrase_matches(title, parse_query("无缝钢管").whole_tokens)
    assert phrase_matches(title, parse_query("不锈钢304").whole_tokens)
    assert not phrase_matches(title, parse_query("锈钢管").whole_tokens)
    assert not phrase_matches(title, parse_query("钢管 无缝").whole_tokens)
    # separate terms that are adjacent in the title still form the whole query
    assert phrase_matches(title, parse_query("304 无缝").whole_tokens)


@pytest.mark.parametrize(
    "raw",
    ["'; DROP TABLE listings_listing; --", "a & b | !c <-> d:*", "\\'", "%_%", "' OR 1=1 --"],
)
def test_metacharacters_never_reach_the_query_syntax(raw):
    q = parse_query(raw)
    for tok in q.all_tokens:
        assert tok.lexeme.isalnum()
    tsq = tokens_to_tsquery(q.all_tokens)
    assert ";" not in tsq and "|" not in tsq and "!" not in tsq


def test_long_query_is_cut():
    q = parse_query("钢" * 1000)
    assert sum(len(t.text) for t in q.terms) <= MAX_QUERY_CHARS
    q = parse_query(" ".join(["钢管"] * 600))
    assert len(q.terms) == 1  # duplicates dropped


def test_empty_and_punctuation_only_queries_are_empty():
    assert parse_query("").empty
    assert parse_query(None).empty
    assert parse_query("  ，。!! ").empty


def test_tsvector_and_tsquery_literals():
    assert lexemes_to_tsvector({"钢管", "不锈"}) == "'不锈' '钢管'"
    assert lexemes_to_tsvector(set()) == ""
    assert lexemes_to_tsvector({"a'b", "c"}) == "'a''b' 'c'"  # quoted when needed
    assert document_to_tsvector(build_document(["钢管"])) == "'钢管':1 '管':2"
    assert phrase_to_tsquery(parse_query("锈钢管").whole_tokens) == "'锈钢' <-> '钢管'"
    assert tokens_to_tsquery(parse_query("阀 sus3").all_tokens) == "'阀':* & 'sus' & '3':*"


def test_highlight_marks_every_occurrence_in_the_original_text():
    parts = highlight_spans("ＳＵＳ304不锈钢管", parse_query("sus304 钢管"))
    assert parts == [("ＳＵＳ304", True), ("不锈", False), ("钢管", True)]
    assert highlight_spans("球阀", parse_query("")) == [("球阀", False)]


@pytest.mark.parametrize(
    "title,query,expected",
    [
        # plain titles (each character its own normal form): overlapping and touching terms
        # make one marked piece; a term found twice is marked twice
        ("钢管钢管钢", "钢管 管钢", [("钢管钢管钢", True)]),
        ("钢管钢管钢", "钢管", [("钢管钢管", True), ("钢", False)]),
        ("球阀法兰球阀", "球阀", [("球阀", True), ("法兰", False), ("球阀", True)]),
        ("不锈钢管件", "钢 管", [("不锈", False), ("钢管", True), ("件", False)]),
        ("ASTM钢管", "astm", [("ASTM", True), ("钢管", False)]),
        # not plain: a separator inside the title is skipped by matching and left unmarked
        (
            "不锈 钢管",
            "锈钢",
            [("不", False), ("锈", True), (" ", False), ("钢", True), ("管", False)],
        ),
        ("ＳＵＳ３０４管", "sus304", [("ＳＵＳ３０４", True), ("管", False)]),
    ],
)
def test_highlight_pieces(title, query, expected):
    assert highlight_spans(title, parse_query(query)) == expected
