#!/usr/bin/env python3
"""Independent BM25 reference for VietSearch's golden tests (standard library only).

Implements, from the raw text and the spec alone (issue 2 "Analysis" / "Query and ranking" and
VIETNAMESE.md), the Vietnamese analysis and Lucene-style BM25, then writes the expected ranked hits
to Fixtures/golden/*.json. It deliberately shares no code or data with the Swift engine: when the
two disagree, one of them misreads the spec.

    python3 Fixtures/golden/bm25_reference.py            # regenerate the JSON files
    python3 Fixtures/golden/bm25_reference.py --tokens   # also print every document's tokens

Before writing anything it checks itself: `self_test` runs the spec's own analysis examples and
`HAND_CHECKS` (near the end, with the arithmetic worked by hand in a comment) pins one score.
"""
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# ---------------------------------------------------------------- cleaning (VIETNAMESE.md §1, §2)
DELETED = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}
SPACES = {"\u00a0", "\u202f", "\u2007"}
SHAPE_MARKS = {"\u0302", "\u0306", "\u031b"}
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def clean(text):
    text = "".join(" " if c in SPACES else c for c in text if c not in DELETED)
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")  # ETH -> Đ/đ
    out, marks = [], []
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c):
            marks.append(c)
            continue
        # Stable sort: shape marks first, everything else keeps its order.
        out += sorted(marks, key=lambda m: 0 if m in SHAPE_MARKS else 1) + [c]
        marks = []
    out += sorted(marks, key=lambda m: 0 if m in SHAPE_MARKS else 1)
    return unicodedata.normalize("NFC", "".join(out))


# ---------------------------------------------------------------- keys (VIETNAMESE.md §3, §4)
VOWELS = set("aăâeêioôơuưy")
SHAPED = set("ăâêôơư")
INITIALS = ["ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
            "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"]
FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
Y_CONSONANTS = "b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x"


def split_syllable(s):
    """(initial, vowels, final) of a toneless lowercase syllable, or None if it is not one."""
    initial = ""
    for cand in INITIALS:
        if s.startswith(cand):
            # `gi` is an initial only when another vowel follows (giữ, già; but gì = g + i).
            if cand == "gi" and not (len(s) > 2 and s[2] in VOWELS):
                continue
            initial = cand
            break
    rest = s[len(initial):]
    n = 0
    while n < len(rest) and rest[n] in VOWELS:
        n += 1
    vowels, final = rest[:n], rest[n:]
    if not vowels or len(vowels) > 3 or final not in FINALS:
        return None
    return initial, vowels, final


def tone_index(vowels, final):
    """Index in `vowels` of the vowel that carries the tone, by the 2018 main-vowel rule."""
    shaped = [i for i, v in enumerate(vowels) if v in SHAPED]
    if shaped:
        return shaped[-1]
    if len(vowels) == 1:
        return 0
    if len(vowels) == 3:
        return 1
    if final:
        return 1
    if vowels in ("oa", "oe", "uy"):
        return 1
    return 0


def exact_key(token):
    low = token.lower()
    decomposed = unicodedata.normalize("NFD", low)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return low
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    parts = split_syllable(base)
    if parts is None:
        return low  # not a syllable (foreign word, code): marks stay where they are
    initial, vowels, final = parts
    i = tone_index(vowels, final)
    vowels = vowels[:i] + unicodedata.normalize("NFC", vowels[i] + tones[0]) + vowels[i + 1:]
    return initial + vowels + final


def folded_key(token):
    bare = "".join(c for c in unicodedata.normalize("NFD", token.lower()) if not unicodedata.combining(c))
    bare = unicodedata.normalize("NFC", bare).replace("đ", "d")
    if re.fullmatch(f"(?:{Y_CONSONANTS})y", bare):
        bare = bare[:-1] + "i"  # open consonant + y -> consonant + i (kỹ -> ki, quý -> qui)
    return bare


def has_non_ascii_letter(token):
    return any(ord(c) > 127 and (c.isalpha() or unicodedata.combining(c)) for c in token)


# ---------------------------------------------------------------- tokenising (VIETNAMESE.md §6)
def is_word_char(c):
    return c.isalpha() or unicodedata.combining(c) or "0" <= c <= "9"


def is_digits(s):
    return all("0" <= c <= "9" for c in s)


def is_initials(s):
    """An abbreviation part: capital letters without tone marks (§6 "abbreviations are upper-case
    initials"; `HĐND` is one, while `THOẢ` or `ỦY` in `THOẢ-TRÁCH`, `UID-ỦY` are capitalised syllables)."""
    return (all(c.isalpha() and c.isupper() for c in s)
            and not any(m in TONE_MARKS for m in unicodedata.normalize("NFD", s)))


def pieces_of(text):
    """Maximal runs of letters/digits as (start, end); a run mixing digits with a non-ASCII letter
    (`23điểm`) is cut at every digit/letter boundary, other mixed runs (`U23`, `H5N1`) stay whole."""
    runs, start = [], None
    for i, c in enumerate(text + " "):
        if is_word_char(c) and start is None:
            start = i
        elif not is_word_char(c) and start is not None:
            runs.append((start, i))
            start = None
    pieces = []
    for start, end in runs:
        run = text[start:end]
        if any("0" <= c <= "9" for c in run) and has_non_ascii_letter(run):
            cut = start
            for i in range(start + 1, end):
                if ("0" <= text[i] <= "9") != ("0" <= text[i - 1] <= "9"):
                    pieces.append((cut, i))
                    cut = i
            pieces.append((cut, end))
        else:
            pieces.append((start, end))
    return pieces


def tokenize(raw):
    """List of (text, position, is_joined) and the field length (number of positions)."""
    text = clean(raw)
    pieces = pieces_of(text)
    tokens, pos, i = [], 0, 0
    while i < len(pieces):
        j = i  # the group is pieces[i..j]
        first = text[pieces[i][0]:pieces[i][1]]
        if is_digits(first):
            joiners, same = ".,/:-", is_digits
        elif is_initials(first):
            joiners, same = "-.", is_initials
        else:
            joiners, same = "", None
        while joiners and j + 1 < len(pieces):
            gap = text[pieces[j][1]:pieces[j + 1][0]]
            if len(gap) == 1 and gap in joiners and same(text[pieces[j + 1][0]:pieces[j + 1][1]]):
                j += 1
            else:
                break
        if j > i and is_digits(first):  # a number, a date, a time: one token
            tokens.append((text[pieces[i][0]:pieces[j][1]], pos, False))
            pos += 1
        else:
            parts = [text[s:e] for s, e in pieces[i:j + 1]]
            for part in parts:
                tokens.append((part, pos, False))
                pos += 1
            if len(parts) > 1:  # QS-QP, TP.HCM: joined form stacked on the last part
                tokens.append(("".join(parts), pos - 1, True))
        i = j + 1
    return tokens, pos


# ---------------------------------------------------------------- documents and statistics
class Field:
    def __init__(self, raw):
        self.tokens, self.dl = tokenize(raw)
        self.positions = {"exact": {}, "folded": {}}
        for text, pos, _ in self.tokens:
            self.positions["exact"].setdefault(exact_key(text), []).append(pos)
            self.positions["folded"].setdefault(folded_key(text), []).append(pos)


class Corpus:
    FIELDS = {"title": 2.0, "body": 1.0}  # default searched fields and boosts

    def __init__(self, docs):
        self.ids = [d["id"] for d in docs]
        self.docs = [{f: Field(d.get(f, "")) for f in self.FIELDS} for d in docs]
        self.N = len(docs)
        self.avgdl = {f: sum(d[f].dl for d in self.docs) / self.N for f in self.FIELDS}

    def idf(self, kind, key, field):
        n = sum(1 for d in self.docs if key in d[field].positions[kind])
        return n, math.log(1 + (self.N - n + 0.5) / (n + 0.5))


def query_clauses(query, operator="or"):
    """Bare terms, "phrases", +required and -excluded (the syntax the golden queries use) -> list of
    (occur, terms): occur is "must", "should" or "not"; terms is a list of (kind, key) in phrase order.
    With operator "and" every bare clause is required."""
    clauses = []
    for sign, phrase, bare in re.findall(r'([+-]?)(?:"([^"]*)"|(\S+))', query):
        occur = {"+": "must", "-": "not"}.get(sign, "must" if operator == "and" else "should")
        toks = [t for t, _, joined in tokenize(phrase or bare)[0] if not joined]
        terms = [("exact", exact_key(t)) if has_non_ascii_letter(t) else ("folded", folded_key(t)) for t in toks]
        if phrase:
            clauses.append((occur, terms))
        else:
            assert len(terms) == 1, f"bare term {bare!r} must analyse to one token"
            clauses.append((occur, terms))
    return clauses


def phrase_tf(field, terms):
    first = field.positions[terms[0][0]].get(terms[0][1], [])
    rest = [set(field.positions[k].get(key, [])) for k, key in terms[1:]]
    return sum(1 for p in first if all(p + 1 + i in s for i, s in enumerate(rest)))


def search(corpus, query, k1=1.2, b=0.75, operator="or", fields=None):
    """Lucene boolean semantics: a document matches every required clause, no excluded one, and (when
    nothing is required) at least one optional clause; its score sums the required and optional clauses."""
    clauses = query_clauses(query, operator)
    scores, parts, matched, explain = {}, {}, [], []
    for occur, terms in clauses:
        info = {"clause": " ".join(key for _, key in terms), "occur": occur, "kind": [k for k, _ in terms],
                "fields": {}}
        hit = set()
        for field, boost in (fields or Corpus.FIELDS).items():
            stats = [corpus.idf(kind, key, field) for kind, key in terms]
            idf = sum(i for _, i in stats)  # a phrase's idf is the sum of its terms' idf
            info["fields"][field] = {"n": [n for n, _ in stats], "idf": idf}
            for d, doc in enumerate(corpus.docs):
                tf = phrase_tf(doc[field], terms)
                if tf == 0:
                    continue
                hit.add(d)
                if occur != "not":
                    norm = k1 * (1 - b + b * doc[field].dl / corpus.avgdl[field])
                    part = boost * idf * tf / (tf + norm)
                    scores[d] = scores.get(d, 0.0) + part
                    parts.setdefault(d, []).append({"clause": info["clause"], "field": field, "idf": idf, "tf": tf,
                                                    "dl": doc[field].dl, "score": part})
        matched.append((occur, hit))
        explain.append(info)
    required = [h for o, h in matched if o == "must"]
    docs = set.intersection(*required) if required else set().union(*(h for o, h in matched if o == "should"))
    docs -= set().union(*(h for o, h in matched if o == "not"))
    ranked = sorted(((d, scores[d]) for d in docs), key=lambda item: (-item[1], item[0]))  # ties: doc order
    return [{"id": corpus.ids[d], "score": s, "components": parts[d]} for d, s in ranked], explain


# ---------------------------------------------------------------- corpora
def seed_document(path):
    """The CLI's .txt rule: title = first non-empty line with >= 6 whitespace-separated words of
    which at most 40% contain a digit (else the first non-empty line); body = the rest."""
    lines = path.read_text(encoding="utf-8").split("\n")
    candidates = [i for i, line in enumerate(lines) if line.strip()]
    chosen = candidates[0] if candidates else None
    for i in candidates:
        words = lines[i].split()
        if len(words) >= 6 and sum(any("0" <= c <= "9" for c in w) for w in words) <= 0.4 * len(words):
            chosen = i
            break
    title = lines[chosen] if chosen is not None else ""
    body = "\n".join(line for i, line in enumerate(lines) if i != chosen)
    return {"id": path.stem, "title": title, "body": body}


SEED_QUERIES = [
    "cấp uỷ", "cấp ủy", "cap uy", '"đảng viên"', "dang vien", '"dang vien"', "đảng", "dang",
    "khóa", "khoá", "khoa", '"quân sự"', "chính trị tư tưởng", '"cấp ủy" giáo dục', "qsqp", "qp",
    "covid", "13/09/2022", "ly", "hòa bình", "ubnd", "quy",
]
HANDMADE_QUERIES = [
    "hoà", "hòa", "HOÀ", "hoa", "cấp uỷ", "cap uy", '"đảng viên"', "dang vien", '"dang vien"',
    "đảng", "đa\u0309ng", "ca\u0301\u0302p u\u0309y", '"ĐẢNG VIÊN"', "đảng xyzkhông", "tphcm", "hcm",
    "ki thuat", "kỹ", "kĩ", "2.500.000", "3,5", "u23", "điểm",
    '"cấp ủy" quân sự', "qsqp", "thuỷ", "khoẻ", "cong ty", "covid", "13/09/2022", "\u00d0ảng viên",
    "đả\u200bng\u00a0viên", "thuy loi", "hdndubnd", "ubnd", "5.875", "bai", "đoàn", "3-2",
]
# (query, k1, b, default operator, searched fields with boosts) beyond the plain cases.
DEFAULT = (1.2, 0.75, "or", Corpus.FIELDS)
EXTRA_CASES = [("đảng viên", 0.9, 0.4, "or", Corpus.FIELDS), ('"cấp ủy" dang', 0.9, 0.4, "or", Corpus.FIELDS),
               ("đảng viên", 1.2, 0.75, "and", Corpus.FIELDS), ("cap uy hoa", 1.2, 0.75, "and", Corpus.FIELDS),
               ("+đảng hoà", *DEFAULT), ("đảng -hoà", *DEFAULT), ('+"cấp ủy" -covid viên', *DEFAULT),
               ("đảng viên hoà", 1.2, 0.75, "or", {"title": 1.0, "body": 1.0}),
               ("đảng viên hoà", 1.2, 0.75, "or", {"body": 1.5}),
               ('"cấp ủy" dang', 1.2, 0.75, "or", {"title": 3.0})]


def golden(name, docs, queries):
    corpus = Corpus(docs)
    cases = [(q, *DEFAULT) for q in queries] + EXTRA_CASES
    out = {
        "generator": "Fixtures/golden/bm25_reference.py",
        "corpus": name,
        "documents": [{"id": i, "title": d["title"], "dl": {f: doc[f].dl for f in Corpus.FIELDS}}
                      for i, d, doc in zip(corpus.ids, docs, corpus.docs)],
        "N": corpus.N,
        "avgdl": corpus.avgdl,
        "queries": [],
    }
    for q, k1, b, operator, fields in cases:
        hits, explain = search(corpus, q, k1, b, operator, fields)
        assert hits, f"golden query {q!r} matches nothing in {name}"
        out["queries"].append({"query": q, "k1": k1, "b": b, "operator": operator,
                               "fields": [{"field": f, "boost": boost} for f, boost in fields.items()],
                               "hits": hits, "clauses": explain})
    return corpus, out


# Worked by hand, asserted on every run:
# handmade, query `hoà` (exact key), document h08 (title "Hoà", body "hoa").
#   titles hold 8+6+5+0+6+7+4+1+8+2+7 = 54 positions (the joined `tphcm` of h09 and `hđndubnd` of h11
#   add none) over N = 11 documents -> avgdl_title = 54 / 11 = 4.9090909
#   titles with exact key `hoà`: h01 ("hòa" re-placed to "hoà") and h08 -> n = 2
#   idf = ln(1 + (11 - 2 + 0.5) / (2 + 0.5)) = ln(4.8) = 1.5686159
#   title: tf = 1, dl = 1: norm = 1.2 * (1 - 0.75 + 0.75 * 1 / 4.9090909) = 1.2 * 0.4027778 = 0.4833333
#          2 * 1.5686159 * 1 / (1 + 0.4833333) = 3.1372318 / 1.4833333 = 2.114988
#   body "hoa" has only the folded key `hoa`, not the exact `hoà`: no body term. Score 2.114988.
# seeds, query `cấp uỷ`, clause `uỷ`, body of 000_9f10ce85d8b31090: all 5 bodies have `uỷ` -> n = 5,
#   idf = ln(1 + 0.5 / 5.5) = 0.0870114; tf = 11, dl = 870, avgdl_body = 5868 / 5 = 1173.6;
#   0.0870114 * 11 / (11 + 1.2 * (0.25 + 0.75 * 870 / 1173.6)) = 0.0870114 * 11 / 11.967178 = 0.0799792
HAND_CHECKS = [("handmade", "hoà", "h08", 2.114988)]


def hand_check(name, out):
    for corpus, query, doc, expected in HAND_CHECKS:
        if corpus == name:
            hits = next(q["hits"] for q in out["queries"] if q["query"] == query)
            score = next(h["score"] for h in hits if h["id"] == doc)
            assert math.isclose(score, expected, rel_tol=1e-6), (query, doc, score, expected)


def self_test():
    """The spec's own examples, so a slip in the reference shows up before any JSON is written."""
    exact = {"hòa": "hoà", "HOÀ": "hoà", "thủy": "thuỷ", "ủy": "uỷ", "khóa": "khoá", "khỏe": "khoẻ",
             "của": "của", "bìa": "bìa", "lửa": "lửa", "quý": "quý", "quà": "quà", "giữ": "giữ", "già": "già",
             "gì": "gì", "ngòai": "ngoài", "khủyu": "khuỷu", "ngọeo": "ngoẹo", "hòan": "hoàn", "hùynh": "huỳnh",
             "khóet": "khoét", "người": "người", "thuở": "thuở", "quyết": "quyết", "ĐIỆN": "điện", "café": "café"}
    for text, key in exact.items():
        assert exact_key(clean(text)) == key, (text, exact_key(clean(text)), key)
    folded = {"đảng": "dang", "kỹ": "ki", "quý": "qui", "ty": "ti", "lý": "li", "tuy": "tuy", "y": "y",
              "HĐND": "hdnd", "khuỷu": "khuyu", "giấy": "giay"}
    for text, key in folded.items():
        assert folded_key(clean(text)) == key, (text, folded_key(clean(text)), key)
    assert clean("e\u0301\u0302 \u00d0a\u0309ng\u200b\u00a0x") == "ế Đảng x"
    cases = {
        "23điểm U23 H5N1 4G": ["23", "điểm", "U23", "H5N1", "4G"],
        "QS-QP TP.HCM HĐND-UBND": ["QS", "QP", "QSQP*", "TP", "HCM", "TPHCM*", "HĐND", "UBND", "HĐNDUBND*"],
        "ĐẢNG-ĐOÀN UID-ỦY": ["ĐẢNG", "ĐOÀN", "UID", "ỦY"],
        "2.500.000 đồng, 3,5% 13/09/2022. 09:24 2015-2020": ["2.500.000", "đồng", "3,5", "13/09/2022", "09:24",
                                                            "2015-2020"],
        "“a-lô” (Pa-ri) – Tp.HCM Covid-19": ["a", "lô", "Pa", "ri", "Tp", "HCM", "Covid", "19"],
    }
    for text, expected in cases.items():
        tokens, dl = tokenize(text)
        assert [t + ("*" if j else "") for t, _, j in tokens] == expected, (text, tokens)
        assert dl == len([e for e in expected if not e.endswith("*")])
    assert tokenize("QS-QP họp")[0] == [("QS", 0, False), ("QP", 1, False), ("QSQP", 1, True), ("họp", 2, False)]


def main():
    self_test()
    show_tokens = "--tokens" in sys.argv
    seeds = [seed_document(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    handmade = [json.loads(line) for line in (HERE / "handmade.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    for name, docs, queries in (("seeds", seeds, SEED_QUERIES), ("handmade", handmade, HANDMADE_QUERIES)):
        corpus, out = golden(name, docs, queries)
        (HERE / f"{name}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: N={corpus.N} avgdl={corpus.avgdl} -> {name}.json ({len(out['queries'])} queries)")
        for i, doc in zip(corpus.ids, corpus.docs):
            print(f"  {i}: title dl={doc['title'].dl} body dl={doc['body'].dl}")
            if show_tokens:
                for f in Corpus.FIELDS:
                    print(f"    {f}: " + " ".join(
                        f"{t}@{p}{'*' if j else ''}=" + exact_key(t) + "/" + folded_key(t)
                        for t, p, j in doc[f].tokens))
        hand_check(name, out)


if __name__ == "__main__":
    main()
