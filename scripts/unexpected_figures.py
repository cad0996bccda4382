#!/usr/bin/env python3
"""Counts the figures a reply lists on its figures line that no writer of a figure set expected:
for each question of every eval/datong_figures*.jsonl, the figure spans of the plain reply's
figures line (before its first quote) that are part of none of the question's expected
statements. Run from the project's folder, with the binary to measure:

    python3 scripts/unexpected_figures.py target/release/quotebot

prints the count over all items, then each unexpected item.
"""

import glob
import json
import subprocess
import sys

HEADERS = ("资料", "不同", "各来源")


def figures_line(binary, question):
    """The figure spans of the reply's figures line, or none."""
    out = subprocess.run([binary, "ask", question], capture_output=True, text=True).stdout
    line = ""
    for row in out.split("\n"):
        if row.startswith("1. "):
            break
        if "（" in row and not row.startswith(HEADERS):
            line = row
    return [item.split("（")[0] for item in line.split("｜") if item]


def simplified(text):
    return text.replace("萬", "万").replace("億", "亿").replace("臺", "台")


def main():
    binary = sys.argv[1]
    total, unexpected = 0, []
    for path in sorted(glob.glob("eval/datong_figures*.jsonl")):
        for row in open(path, encoding="utf-8"):
            if not row.strip():
                continue
            case = json.loads(row)
            expected = [simplified(s["figure"]) for s in case["sources"]]
            for figure in figures_line(binary, case["question"]):
                total += 1
                if not any(simplified(figure) in e for e in expected):
                    unexpected.append(f"{case['id']} {case['question']} {figure}")
    print(f"figures-line items {total}, not expected {len(unexpected)}")
    print("\n".join(unexpected))


if __name__ == "__main__":
    main()
