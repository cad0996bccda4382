#!/usr/bin/env python3
"""How often a reply's first line names the answer: over the answerable questions of the dev,
colloquial and public sets, the replies whose first line lists figures (source and date in
（）) and, of those, the ones whose line holds one of the question's expected answers.

Usage: scripts/first_line_answers.py [BINARY]   (default target/release/quotebot; run from the
project root, ../shared beside it)
"""
import json
import subprocess
import sys

SETS = [
    "eval/datong_dev.jsonl",
    "eval/datong_colloquial.jsonl",
    "../shared/eval/datong_public.jsonl",
]


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/quotebot"
    questions = []
    for path in SETS:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                case = json.loads(line)
                answers = case.get("answers") or []
                if answers:
                    questions.append((case.get("q") or case.get("question"), answers))
    stdin = "".join(question + "\n" for question, _ in questions)
    out = subprocess.run(
        [binary, "ask", "--json"], input=stdin, capture_output=True, text=True, check=True
    ).stdout.strip().split("\n")
    with_line = holds = 0
    for (_, answers), reply in zip(questions, out):
        reply = json.loads(reply)
        first = reply.get("reply", "").split("\n")[0] if reply.get("facts") else ""
        if "（" in first:
            with_line += 1
            holds += any(answer in first for answer in answers)
    print(f"{len(questions)} questions; a figures line: {with_line}; it holds an answer: {holds}")


if __name__ == "__main__":
    main()
