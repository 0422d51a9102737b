"""Chinese-aware tokenisation for search (R-S1): character bigrams, no dictionary.

Pure functions of plain strings; the same code builds the PostgreSQL `tsvector` documents
(`search.index`) and the queries (`search.selectors`), and evaluates a query against
a document in Python for the embedded SQLite default, so both give the same results.

Text is normalised with NFKC (full-width `３０４` and `ＳＵＳ` become `304`, `SUS`) and
case-folded. It is then cut into *segments* at every character that is neither a Han /
kana / hangul character nor a letter or digit, and each segment into *units*: one unit per
CJK character, and one per run of letters or of digits (`sus304` gives `sus`, `304`).

Document tokens, one per unit, at consecutive positions:
- a CJK character followed by another CJK character of its segment: the bigram (`不锈`);
- any other CJK character (end of segment, or a letter/digit follows): the character;
- a letter or digit run: the run.
So the token at position *p* always starts with unit *p*. Each field starts at its own
position, with a gap of FIELD_GAP positions, so no phrase matches across two fields.

Two documents per listing: the *title* (tokens with positions) and the *whole* search
document (title, keyword, attributes, category names, description: the set of tokens, no
positions). A bigram never spans two fields or a separator, so nothing matches across them.

Query: split into *terms* at the same separators (spaces, punctuation), each term into the
same tokens; the last letter/digit unit of a term, and a lone CJK character, match as a
prefix (`阀` finds `阀门` and `球阀`, `Q23` finds `Q235B`). A listing matches when every token
of the query is in its document (`锈钢管` → `锈钢 & 钢管`, `304不锈钢` → `304 & 不锈 & 锈钢`
both find `不锈钢304无缝钢管`): this finds every listing that contains the query as typed,
and a few more that contain all its parts. The whole query as one phrase (`锈钢 <-> 钢管`)
against the title gives match level 3 (R-S2).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from listings.search_fields import SIGNATURE_BITS

# PostgreSQL limits of a tsvector: positions 1..16383 and 256 positions per lexeme. We
# enforce them here (drop, not clamp) so that the Python evaluation sees the same document.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
FIELD_GAP = 10
MAX_UNIT_LENGTH = 40  # a letter/digit run longer than this is cut (lexemes must stay short)
MAX_QUERY_CHARS = 100  # the header box's maxlength; longer queries are cut
MAX_QUERY_TERMS = 8

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B–G
)
_CJK_RE = re.compile(f"[{_CJK}]")
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
# A unit: one CJK character, a run of letters, or a run of digits. Anything else separates.
_UNIT_RE = re.compile(f"([{_CJK}])|([^\\W\\d_{_CJK}]+)|(\\d+)")
_SEGMENT_RE = re.compile(f"(?:[{_CJK}]|[^\\W_])+")


# CJK unified ideographs are NFKC-stable; normalising only the pieces between them gives
# the same text ~5× faster on Chinese descriptions.
_NOT_UNIFIED_RE = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff]+")


def _nfkc(m: re.Match) -> str:
    return unicodedata.normalize("NFKC", m.group(0))


def normalise(text: str) -> str:
    """NFKC + case folding: full-width letters and digits become ASCII, `SUS` becomes `sus`."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = _NOT_UNIFIED_RE.sub(_nfkc, text)
    return text.casefold()


@dataclass(frozen=True)
class Unit:
    text: str
    cjk: bool


def _units(seg: str) -> list[Unit]:
    units = []
    for m in _UNIT_RE.finditer(seg):
        if m.group(1):
            units.append(Unit(m.group(1), True))
        else:
            units.append(Unit(m.group(0)[:MAX_UNIT_LENGTH], False))
    return units


def _segments(text: str) -> list[list[Unit]]:
    """Normalised text → segments → units."""
    out = []
    for seg in _SEGMENT_RE.findall(normalise(text)):
        units = _units(seg)
        if units:
            out.append(units)
    return out


# --- documents ------------------------------------------------------------------------


def segment_tokens(units: Sequence[Unit]) -> list[str]:
    """One token per unit of one segment (see the module docstring)."""
    tokens = []
    last = len(units) - 1
    for i, u in enumerate(units):
        if u.cjk and i < last and units[i + 1].cjk:
            tokens.append(u.text + units[i + 1].text)
        else:
            tokens.append(u.text)
    return tokens


Document = dict[str, list[int]]


def document_lexemes(fields: Iterable[str | None]) -> set[str]:
    """Every token of the given fields (the whole search document, without positions)."""
    out: set[str] = set()
    for text in fields:
        if not text:
            continue
        for seg in _SEGMENT_RE.findall(normalise(text)):
            if _CJK_RUN_RE.fullmatch(seg):
                # the common case, fast: every bigram, and the last character alone
                out.update(map(str.__add__, seg[:-1], seg[1:]))
                out.add(seg[-1])
            else:
                out.update(segment_tokens(_units(seg)))
    return out


def lexemes_to_tsvector(lexemes: Iterable[str]) -> str:
    """The `tsvector` literal of a position-less document: `'不锈' '钢管' …`."""
    ordered = sorted(lexemes)
    joined = " ".join(ordered)
    if "'" in joined or "\\" in joined:
        return " ".join(_quote(lex) for lex in ordered)
    return "'" + "' '".join(ordered) + "'" if ordered else ""


# R-S1: a listing's document lexemes hashed into a fixed set of bits, kept in the search order
# index, so that a probe for whole-document matches skips (without reading the document) most
# listings that cannot match. One bit per lexeme: with a few hundred lexemes per document
# about a third of the bits are set.


def _signature_bit(lexeme: str) -> int:
    return 1 << (zlib.crc32(lexeme.encode()) % SIGNATURE_BITS)


def lexemes_signature(lexemes: Iterable[str]) -> str:
    """The `bit(512)` literal (hexadecimal) with the bit of every lexeme set."""
    value = 0
    for lexeme in lexemes:
        value |= _signature_bit(lexeme)
    return "x" + format(value, f"0{SIGNATURE_BITS // 4}x")


def query_signature(tokens: Sequence[Token]) -> str:
    """The bits every matching document has: those of the exact tokens (a prefix token,
    `阀:*`, stands for many lexemes and adds none)."""
    return lexemes_signature(t.lexeme for t in tokens if not t.prefix)


def build_document(fields: Iterable[str | None]) -> Document:
    """Lexeme → sorted positions for the given fields, in order, each after a gap."""
    doc: dict[str, list[int]] = {}
    pos = 1
    for text in fields:
        if not text:
            continue
        for units in _segments(text):
            for tok in segment_tokens(units):
                if pos > MAX_POSITION:
                    break
                plist = doc.setdefault(tok, [])
                if len(plist) < MAX_POSITIONS_PER_LEXEME:
                    plist.append(pos)
                pos += 1
        pos += FIELD_GAP
    return doc


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def document_to_tsvector(doc: Document) -> str:
    """The `tsvector` literal of a document: `'不锈':3 '钢管':5,40 …` (cast with ::tsvector)."""
    return " ".join(f"{_quote(lex)}:{','.join(map(str, pos))}" for lex, pos in doc.items())


# --- queries --------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    offset: int  # unit offset from the start of the phrase
    lexeme: str
    prefix: bool


@dataclass
class Term:
    """One whitespace/punctuation-separated part of a query, as a phrase of tokens."""

    text: str  # normalised, separators removed
    units: list[Unit]
    tokens: list[Token] = field(default_factory=list)


def _term_tokens(units: Sequence[Unit], start: int = 0) -> list[Token]:
    tokens = []
    k = len(units)
    for j, u in enumerate(units):
        nxt = units[j + 1] if j + 1 < k else None
        if u.cjk:
            if nxt is not None and nxt.cjk:
                tokens.append(Token(start + j, u.text + nxt.text, False))
            elif nxt is not None:
                # a letter or digit follows: the document has the character alone here
                tokens.append(Token(start + j, u.text, False))
            elif j == 0 or not units[j - 1].cjk:
                # a lone character (or one after letters/digits): any token starting with it
                tokens.append(Token(start + j, u.text, True))
            # else: the bigram at j-1 already fixes this character
        else:
            tokens.append(Token(start + j, u.text, nxt is None))
    return tokens


@dataclass
class Query:
    raw: str
    terms: list[Term]

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def all_tokens(self) -> list[Token]:
        """Every token of every term, once (each must be in the document)."""
        seen: dict[tuple[str, bool], Token] = {}
        for term in self.terms:
            for tok in term.tokens:
                seen.setdefault((tok.lexeme, tok.prefix), tok)
        return list(seen.values())

    @property
    def whole_tokens(self) -> list[Token]:
        """The whole query as one phrase (terms adjacent, in order): match level 3."""
        tokens: list[Token] = []
        start = 0
        for term in self.terms:
            tokens.extend(_term_tokens(term.units, start))
            start += len(term.units)
        return tokens


def parse_query(raw: str | None) -> Query:
    """Cut a buyer's query into terms; harmless on any input (length capped)."""
    raw = (raw or "")[: MAX_QUERY_CHARS * 4]
    terms: list[Term] = []
    seen = set()
    budget = MAX_QUERY_CHARS
    for units in _segments(raw):
        text = "".join(u.text for u in units)
        if budget <= 0 or len(terms) >= MAX_QUERY_TERMS:
            break
        if len(text) > budget:
            # cut to the character budget, keeping whole units
            kept, n = [], 0
            for u in units:
                if n + len(u.text) > budget:
                    break
                kept.append(u)
                n += len(u.text)
            units, text = kept, "".join(u.text for u in kept)
            if not units:
                break
        budget -= len(text)
        if text in seen:
            continue
        seen.add(text)
        terms.append(Term(text=text, units=units, tokens=_term_tokens(units)))
    return Query(raw=raw, terms=terms)


def phrase_to_tsquery(tokens: Sequence[Token]) -> str:
    """`'不锈' <-> '锈钢' <2> '304':*`: each token at its exact distance from the previous."""
    parts = []
    prev = None
    for tok in tokens:
        lit = _quote(tok.lexeme) + (":*" if tok.prefix else "")
        if prev is None:
            parts.append(lit)
        else:
            parts.append(f"<{tok.offset - prev}> {lit}")
        prev = tok.offset
    return " ".join(parts).replace("<1>", "<->")


def tokens_to_tsquery(tokens: Sequence[Token]) -> str:
    """Every token must be present: `'锈钢' & '钢管' & '阀':*`."""
    return " & ".join(_quote(t.lexeme) + (":*" if t.prefix else "") for t in tokens)


# --- evaluation in Python (the SQLite path; same semantics as PostgreSQL's @@) -------------


def _positions(doc: Document, tok: Token) -> set[int]:
    if not tok.prefix:
        return set(doc.get(tok.lexeme, ()))
    out: set[int] = set()
    for lex, pos in doc.items():
        if lex.startswith(tok.lexeme):
            out.update(pos)
    return out


def phrase_matches(doc: Document, tokens: Sequence[Token]) -> bool:
    if not tokens:
        return False
    first = tokens[0]
    candidates = {p - first.offset for p in _positions(doc, first)}
    for tok in tokens[1:]:
        if not candidates:
            return False
        pos = _positions(doc, tok)
        candidates = {c for c in candidates if c + tok.offset in pos}
    return bool(candidates)


def tokens_match(lexemes: Iterable[str], tokens: Sequence[Token]) -> bool:
    """Python twin of `tsvector @@ 'a' & 'b':*`."""
    if not tokens:
        return False
    lexemes = lexemes if isinstance(lexemes, (set, frozenset, dict)) else set(lexemes)
    for tok in tokens:
        if tok.prefix:
            if tok.lexeme in lexemes:
                continue
            if not any(lex.startswith(tok.lexeme) for lex in lexemes):
                return False
        elif tok.lexeme not in lexemes:
            return False
    return True


# --- highlighting -----------------------------------------------------------------------


def highlight_spans(text: str, query: Query) -> list[tuple[str, bool]]:
    """Cut `text` into (piece, matched) parts, marking where a query term occurs.

    Compares normalised characters (ignoring separators inside the title, as matching does),
    so `ＳＵＳ３０４` is marked for the query `sus304`.
    """
    if not text or query.empty:
        return [(text, False)] if text else []
    norm = normalise(text)
    if len(norm) == len(text) and _SEGMENT_RE.fullmatch(norm):
        return _highlight_same_positions(text, norm, query)
    norm_chars: list[str] = []
    index: list[int] = []  # normalised char → original char index
    for i, ch in enumerate(text):
        kept = _matchable(ch)
        norm_chars.append(kept)
        index.extend([i] * len(kept))
    norm = "".join(norm_chars)
    marked = [False] * len(text)
    for term in query.terms:
        start = norm.find(term.text)
        while start != -1:
            for j in range(start, start + len(term.text)):
                marked[index[j]] = True
            start = norm.find(term.text, start + 1)
    parts: list[tuple[str, bool]] = []
    i = 0
    for flag, run in itertools.groupby(marked):
        n = len(list(run))
        parts.append((text[i : i + n], flag))
        i += n
    return parts


def _highlight_same_positions(text: str, norm: str, query: Query) -> list[tuple[str, bool]]:
    """`highlight_spans` of a title whose every character is matchable and normalises to one
    character (most titles): a position in `norm` is the same in `text`."""
    spans = []
    for term in query.terms:
        start = norm.find(term.text)
        while start != -1:
            spans.append((start, start + len(term.text)))
            start = norm.find(term.text, start + 1)
    parts: list[tuple[str, bool]] = []
    at = 0  # the end of what `parts` holds; a piece ending there is a marked one
    for start, end in sorted(spans):
        if end <= at:
            continue
        if start > at:
            parts.append((text[at:start], False))
            parts.append((text[start:end], True))
        elif parts:  # overlaps or touches the last marked piece
            parts[-1] = (parts[-1][0] + text[at:end], True)
        else:
            parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


@functools.lru_cache(maxsize=8192)
def _matchable(ch: str) -> str:
    """What of one character matching compares: its normalised characters that are letters,
    digits or CJK (a title's characters repeat, so each is worked out once)."""
    return "".join(n for n in normalise(ch) if _SEGMENT_RE.fullmatch(n))


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text or ""))
