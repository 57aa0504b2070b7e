#!/usr/bin/env python3
"""Builds the judged query set of the relevance evaluation (README "Measured quality").

Input: the shared corpus and starting query set (../shared/data/vi-docs.jsonl, vi-queries.jsonl: 120 base
queries, each in the classes accented, unaccented, other_tone_style, nfd, upper, judged by the document
they were drawn from). This script adds two classes:

- mixed_marks: each accented query again, with every Vietnamese word either kept, stripped of its tone
  only (shape marks and đ kept: `đang`, `viêt`) or stripped of everything, at least one word partial.
- phrase: 2-3 adjacent syllables (each with a Vietnamese letter) whose words are common in the corpus
  (document frequency >= 8 each) but whose phrase occurs in 1-3 documents, typed without marks and
  without quotes (`dang vien`); relevant = the documents holding the exact phrase. Bag-of-words matching
  cannot tell them apart; adjacency can.

Output: <out>/queries.jsonl (every class) and, with --fixture, a trimmed set for the unit test:
Fixtures/relevance/docs.jsonl + queries.jsonl (a subset of queries, their relevant documents and
distractors). Deterministic (seeded).
"""
import argparse
import json
import random
import re
import unicodedata
from collections import defaultdict

WORD_RE = re.compile(r"[^\W_]+")
VN = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}


def nfc(text):
    return unicodedata.normalize("NFC", text)


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    return nfc("".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"))


def strip_tone(word):
    return nfc("".join(c for c in unicodedata.normalize("NFD", word) if c not in TONES))


def is_vn(word):
    return any(c in VN for c in word.lower())


def tokens(text):
    return WORD_RE.findall(nfc(text).lower())


def mixed(query, rng):
    words = query.split(" ")
    candidates = [i for i, w in enumerate(words) if is_vn(w)]
    if not candidates:
        return None
    choices = {}
    for i in candidates:
        choices[i] = rng.choice(["keep", "tone", "all"])
    partial = [i for i in candidates if strip_tone(words[i]) != words[i] and fold(words[i]) != strip_tone(words[i])]
    if not any(c == "tone" for i, c in choices.items() if i in partial):
        if not partial:
            return None
        choices[rng.choice(partial)] = "tone"
    out = []
    for i, w in enumerate(words):
        c = choices.get(i, "keep")
        out.append(w if c == "keep" else strip_tone(w) if c == "tone" else fold(w))
    text = " ".join(out)
    return None if text == query or text == fold(query) else text


def phrases(docs, rng, count):
    doc_tokens = {d["id"]: tokens(d.get("title", "") + " \n " + d.get("body", "")) for d in docs}
    df = defaultdict(set)
    grams = defaultdict(set)
    for doc_id, toks in doc_tokens.items():
        for t in toks:
            df[t].add(doc_id)
        for n in (2, 3):
            for i in range(len(toks) - n + 1):
                gram = tuple(toks[i:i + n])
                if all(is_vn(t) for t in gram):
                    grams[gram].add(doc_id)
    chosen, seen_folded = [], set()
    pool = sorted(g for g, ids in grams.items() if 1 <= len(ids) <= 3 and all(len(df[t]) >= 8 for t in g))
    rng.shuffle(pool)
    for gram in pool:
        folded = tuple(fold(t) for t in gram)
        if folded in seen_folded:
            continue
        # Relevant: documents where the phrase occurs exactly (marks included).
        relevant = sorted(grams[gram])
        seen_folded.add(folded)
        chosen.append({"query": " ".join(folded), "relevant": relevant, "source": " ".join(gram)})
        if len(chosen) == count:
            break
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", default="/work/shared/data/vi-docs.jsonl")
    parser.add_argument("--queries", default="/work/shared/data/vi-queries.jsonl")
    parser.add_argument("--out", required=True, help="directory for queries.jsonl")
    parser.add_argument("--phrases", type=int, default=60)
    parser.add_argument("--fixture", help="also write a trimmed docs.jsonl + queries.jsonl here")
    args = parser.parse_args()
    rng = random.Random(20261122)
    docs = [json.loads(line) for line in open(args.docs, encoding="utf-8")]
    base = [json.loads(line) for line in open(args.queries, encoding="utf-8")]
    out = []
    for q in base:
        out.append({"qid": q["qid"], "class": q["variant"], "query": q["query"], "relevant": q["relevant"]})
        if q["variant"] == "accented":
            text = mixed(q["query"], rng)
            if text:
                out.append({"qid": q["qid"].replace("accented", "mixed_marks"), "class": "mixed_marks",
                            "query": text, "relevant": q["relevant"]})
    for n, p in enumerate(phrases(docs, rng, args.phrases)):
        out.append({"qid": f"ph-{n:03d}", "class": "phrase", "query": p["query"], "relevant": p["relevant"],
                    "source": p["source"]})
    with open(f"{args.out}/queries.jsonl", "w", encoding="utf-8") as f:
        for q in out:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    if args.fixture:
        write_fixture(args.fixture, docs, out, rng)


def write_fixture(directory, docs, queries, rng):
    """A small subset: 20 base queries in every class, 24 phrase queries, their documents, 12 distractors."""
    bases = sorted({q["qid"].rsplit("-", 1)[0] for q in queries if q["class"] != "phrase"})
    keep_bases = set(rng.sample(bases, 20))
    kept = [q for q in queries if q["class"] != "phrase" and q["qid"].rsplit("-", 1)[0] in keep_bases]
    kept += [q for q in queries if q["class"] == "phrase"][:24]
    relevant = {d for q in kept for d in q["relevant"]}
    others = sorted(d["id"] for d in docs if d["id"] not in relevant)
    keep_docs = relevant | set(rng.sample(others, 12))
    with open(f"{directory}/docs.jsonl", "w", encoding="utf-8") as f:
        for d in docs:
            if d["id"] in keep_docs:
                f.write(json.dumps({"id": d["id"], "title": d.get("title", ""), "body": d.get("body", "")},
                                   ensure_ascii=False) + "\n")
    with open(f"{directory}/queries.jsonl", "w", encoding="utf-8") as f:
        for q in kept:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
