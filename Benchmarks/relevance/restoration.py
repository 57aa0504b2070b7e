#!/usr/bin/env python3
"""Diacritic restoration accuracy: each unaccented query of the judged set is searched with the CLI, and
its `"suggestion"` (or the query itself when there is none) is compared, word by word, with the accented
form of the same base query (lower case). Prints whole-query and per-word accuracy and the misses.

    python3 Benchmarks/relevance/restoration.py --vietsearch .build/release/vietsearch \
        --docs ../shared/data/vi-docs.jsonl --queries /tmp/rel/queries.jsonl
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser(description="diacritic restoration accuracy")
    parser.add_argument("--vietsearch", required=True)
    parser.add_argument("--docs", required=True)
    parser.add_argument("--queries", required=True)
    args = parser.parse_args()
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8") if line.strip()]
    accented = {q["qid"].rsplit("-", 1)[0]: q["query"] for q in queries if q["class"] == "accented"}
    bare = [q for q in queries if q["class"] == "unaccented" and q["qid"].rsplit("-", 1)[0] in accented]
    workdir = tempfile.mkdtemp(prefix="vietsearch-restoration-")
    try:
        index = os.path.join(workdir, "index")
        subprocess.run([args.vietsearch, "index", index, args.docs], check=True, stdout=subprocess.DEVNULL)
        out = subprocess.run([args.vietsearch, "search", index, "--json", "--limit", "1"], check=True,
                             input="".join(q["query"] + "\n" for q in bare), capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    whole = words = right = 0
    misses = []
    for q, line in zip(bare, out.splitlines()):
        answer = json.loads(line)
        got = (answer.get("suggestion") or q["query"]).lower().split()
        want = accented[q["qid"].rsplit("-", 1)[0]].lower().split()
        whole += got == want
        if len(got) == len(want):
            words += len(want)
            right += sum(a == b for a, b in zip(got, want))
        if got != want:
            misses.append(f"  {q['query']!r}: suggested {' '.join(got)!r}, accented {' '.join(want)!r}")
    print(f"queries restored exactly: {whole}/{len(bare)}; words: {right}/{words}")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
