#!/usr/bin/env python3
"""Relevance evaluation: MRR@10, nDCG@10 (binary gains), recall@10 per query class, for VietSearch
(`--scoring vietnamese` and `--scoring bm25`) against SQLite FTS5 (`unicode61 remove_diacritics 2`) and
Tantivy (default analyzer, and with AsciiFoldingFilter), all in the same run on the same documents.

Usage (from the package root, after `swift build -c release`):

    python3 Benchmarks/relevance/eval.py --vietsearch .build/release/vietsearch \
        [--docs Fixtures/relevance/docs.jsonl --queries Fixtures/relevance/queries.jsonl] [--markdown]

The full set is made by make_queries.py from ../shared/data (220 documents, 723 queries). Tantivy runs
when the `tantivy` Python package imports (e.g. `--python /path/to/venv/bin/python` re-runs this script
under a venv that has it); FTS5 needs only Python's sqlite3. Every engine gets the query text as typed,
terms OR-ed, fields title (boost 2) and body (boost 1), top 10.
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

CLASSES = ["accented", "unaccented", "other_tone_style", "nfd", "upper", "mixed_marks", "phrase"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------- engines: each returns {qid: [ids]}

def run_vietsearch(binary, docs_path, queries, scoring, workdir):
    index = os.path.join(workdir, "vietsearch-index")
    if not os.path.exists(index):
        subprocess.run([binary, "index", index, docs_path], check=True, stdout=subprocess.DEVNULL)
    text = "".join(q["query"].replace("\n", " ") + "\n" for q in queries)
    out = subprocess.run([binary, "search", index, "--json", "--limit", "10", "--scoring", scoring],
                         input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    if len(out) != len(queries):
        raise SystemExit(f"vietsearch answered {len(out)} lines for {len(queries)} queries")
    return {q["qid"]: [h["id"] for h in json.loads(line).get("hits", [])] for q, line in zip(queries, out)}


def run_fts5(docs, queries):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    ids = []
    for d in docs:
        db.execute("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", (len(ids), d.get("title", ""), d.get("body", "")))
        ids.append(d["id"])
    results = {}
    for q in queries:
        chunks = [c for c in q["query"].split() if c]
        expression = " OR ".join('"' + c.replace('"', '""') + '"' for c in chunks)
        try:
            rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0) LIMIT 10",
                              (expression,)).fetchall()
        except sqlite3.OperationalError:
            rows = []
        results[q["qid"]] = [ids[r[0]] for r in rows]
    return results


def run_tantivy(docs, queries, fold, workdir):
    import tantivy
    sb = tantivy.SchemaBuilder()
    name = "vi_fold" if fold else "default"
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name=name)
    sb.add_text_field("body", tokenizer_name=name)
    path = os.path.join(workdir, "tantivy-fold" if fold else "tantivy")
    os.makedirs(path, exist_ok=True)
    index = tantivy.Index(sb.build(), path=path, reuse=False)
    if fold:
        index.register_tokenizer("vi_fold", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                                 .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase())
                                 .filter(tantivy.Filter.ascii_fold()).build())
    writer = index.writer()
    for d in docs:
        writer.add_document(tantivy.Document(id=d["id"], title=d.get("title", ""), body=d.get("body", "")))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    results = {}
    for q in queries:
        text = " ".join('"' + c.replace('"', "") + '"' for c in q["query"].split())
        try:
            parsed = index.parse_query(text, ["title", "body"], field_boosts={"title": 2.0, "body": 1.0})
            hits = searcher.search(parsed, 10).hits
            results[q["qid"]] = [searcher.doc(addr)["id"][0] for _, addr in hits]
        except ValueError:
            results[q["qid"]] = []
    return results


# ---------------------------------------------------------------- metrics

def scores(queries, results):
    per = {c: [0.0, 0.0, 0.0, 0] for c in CLASSES}
    for q in queries:
        ranked = results.get(q["qid"], [])[:10]
        relevant = set(q["relevant"])
        rank = next((i for i, d in enumerate(ranked) if d in relevant), None)
        mrr = 1 / (rank + 1) if rank is not None else 0.0
        dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked) if d in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        recall = len([d for d in ranked if d in relevant]) / min(10, len(relevant)) if relevant else 0.0
        row = per.setdefault(q["class"], [0.0, 0.0, 0.0, 0])
        row[0] += mrr
        row[1] += dcg / ideal if ideal else 0.0
        row[2] += recall
        row[3] += 1
    return {c: (r[0] / r[3], r[1] / r[3], r[2] / r[3], r[3]) for c, r in per.items() if r[3]}


def table(rows, queries, markdown):
    counts = {c: sum(1 for q in queries if q["class"] == c) for c in CLASSES}
    classes = [c for c in CLASSES if counts[c]]
    head = ["engine"] + [f"{c} ({counts[c]})" for c in classes]
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
    else:
        lines.append("  ".join(h.ljust(24) if i == 0 else h.ljust(22) for i, h in enumerate(head)))
    for name, s in rows:
        cells = [f"{s[c][0]:.3f} / {s[c][1]:.3f} / {s[c][2]:.3f}" for c in classes]
        if markdown:
            lines.append("| " + " | ".join([name] + cells) + " |")
        else:
            lines.append("  ".join([name.ljust(24)] + [x.ljust(22) for x in cells]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Relevance evaluation (MRR@10 / nDCG@10 / recall@10 per class)")
    parser.add_argument("--vietsearch", default=os.path.join(ROOT, ".build", "release", "vietsearch"))
    parser.add_argument("--docs", default=os.path.join(ROOT, "Fixtures", "relevance", "docs.jsonl"))
    parser.add_argument("--queries", default=os.path.join(ROOT, "Fixtures", "relevance", "queries.jsonl"))
    parser.add_argument("--python", help="a Python with the tantivy package, to re-run this script under")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    if args.python and os.path.abspath(args.python) != os.path.abspath(sys.executable):
        argv = [a for i, a in enumerate(sys.argv[1:]) if a != "--python" and sys.argv[i] != "--python"]
        os.execv(args.python, [args.python, os.path.abspath(__file__)] + argv)
    docs = read_jsonl(args.docs)
    queries = read_jsonl(args.queries)
    workdir = tempfile.mkdtemp(prefix="vietsearch-relevance-")
    rows = []
    try:
        for scoring in ("vietnamese", "bm25"):
            rows.append((f"VietSearch {scoring}", scores(queries, run_vietsearch(args.vietsearch, args.docs, queries,
                                                                                  scoring, workdir))))
        rows.append(("SQLite FTS5 remove_diacritics 2", scores(queries, run_fts5(docs, queries))))
        try:
            import tantivy  # noqa: F401
            rows.append(("Tantivy default", scores(queries, run_tantivy(docs, queries, False, workdir))))
            rows.append(("Tantivy ascii_fold", scores(queries, run_tantivy(docs, queries, True, workdir))))
        except ImportError:
            print("(tantivy not importable: pass --python with a venv that has it)", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{len(docs)} documents, {len(queries)} queries; cells are MRR@10 / nDCG@10 / recall@10")
    print(table(rows, queries, args.markdown))


if __name__ == "__main__":
    main()
