#!/usr/bin/env python3
"""Fits the re-ranker's weights (config/ranker.toml) on public SQuAD-format QA sets.

For each data set, `quotebot eval --squad FILE --features OUT` writes every question's
candidate sentences with their features and whether they contain a gold answer. A linear model
is fitted to put a sentence with the answer first: a softmax over each question's candidates,
maximising the probability of the candidates that hold the answer (listwise, convex), with a
small L2 penalty. Only differences between candidates of one question matter, so a feature's
offset is irrelevant and no intercept is fitted.

Before the final fit on everything, each set is held out in turn (fit on the other, score on
it) and each set is split by question parity (fit on odd, score on even), so the figures
printed show how the weights carry over to questions they were not fitted on.

With --dev, the answerable questions of a question file over the shipped corpus join every fit
(not the scoring), each counted --dev-weight times: SQuAD questions are written by annotators
looking at the paragraph, users of the bot ask for facts, and the weights should serve both.

Usage (from the repository root, release binary built, ../shared beside it):
    python3 scripts/fit_ranker.py [--data ../shared/data] [--dev eval/datong_dev.jsonl]
        [--write config/ranker.toml]
Needs numpy.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

SETS = ["cmrc2018_dev.json", "DRCD_dev.json"]


def dump(binary, data_file, out, max_questions, squad=True):
    command = [binary, "eval", data_file, "--features", out]
    if squad:
        command += ["--squad", "--max-questions", str(max_questions)]
    subprocess.run(command, check=True)
    names, groups = None, []
    with open(out, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if "features" in record:
                names = record["features"]
                continue
            x = np.array(record["x"], dtype=np.float64).reshape(-1, len(names))
            y = np.array(record["labels"], dtype=np.float64)
            groups.append((x, y))
    return names, groups


def padded(groups, dim):
    """Stacks the questions with at least one answer-holding candidate into arrays of equal
    width (features, mask, labels), so a gradient step is a few array operations."""
    groups = [(x, y) for x, y in groups if len(y) and y.sum() > 0]
    width = max((len(y) for _, y in groups), default=1)
    x_all = np.zeros((len(groups), width, dim))
    mask = np.zeros((len(groups), width), dtype=bool)
    pos = np.zeros((len(groups), width), dtype=bool)
    for at, (x, y) in enumerate(groups):
        x_all[at, : len(y)] = x
        mask[at, : len(y)] = True
        pos[at, : len(y)] = y > 0
    return x_all, mask, pos


def loss_and_grad(w, x, mask, pos, l2):
    s = np.where(mask, x @ w, -np.inf)
    s -= s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    p_pos = np.where(pos, p, 0.0).sum(axis=1, keepdims=True)
    loss = -np.log(p_pos + 1e-12).mean()
    # d(-log sum_pos p)/dw = E_p[x] - E_{p|pos}[x]
    q = np.where(pos, p, 0.0) / (p_pos + 1e-12)
    grad = np.einsum("gk,gkd->d", p - q, x) / max(len(x), 1)
    return loss + l2 * (w @ w), grad + 2 * l2 * w


def fit(groups, dim, l2=1e-3, steps=400, lr=0.05):
    """Adam on standardised features; returns weights for the raw features."""
    x, mask, pos = padded(groups, dim)
    scale = x[mask].std(axis=0)
    scale[scale == 0] = 1.0
    x = x / scale
    w = np.zeros(dim)
    m, v = np.zeros(dim), np.zeros(dim)
    for t in range(1, steps + 1):
        _, g = loss_and_grad(w, x, mask, pos, l2)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w / scale


def recall_at_1(w, groups):
    """Share of questions whose best-scored candidate holds the answer (refusals aside)."""
    hits = 0
    for x, y in groups:
        if len(y):
            s = x @ w
            # Ties go to the earlier candidate, as in the index order.
            hits += y[int(np.argmax(s))] > 0
    return hits / max(len(groups), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--binary", default="target/release/quotebot")
    parser.add_argument("--max-questions", type=int, default=0)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--without", default="", help="comma-separated features to leave out")
    parser.add_argument("--dev", help="a question file (.jsonl) over the shipped corpus whose "
                        "answerable questions join the fit")
    parser.add_argument("--dev-weight", type=float, default=20.0,
                        help="how many SQuAD questions one --dev question counts as")
    parser.add_argument("--write", help="write the fitted weights to this ranker.toml")
    args = parser.parse_args()

    data = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in SETS:
            out = os.path.join(tmp, name + ".features.jsonl")
            names, groups = dump(args.binary, os.path.join(args.data, name), out,
                                 args.max_questions)
            data[name] = groups
        dev = []
        if args.dev:
            out = os.path.join(tmp, "dev.features.jsonl")
            _, dev = dump(args.binary, args.dev, out, 0, squad=False)
    dim = len(names)
    left_out = [n for n in args.without.split(",") if n]
    keep = np.array([n not in left_out for n in names], dtype=np.float64)
    for name in SETS:
        data[name] = [(x * keep, y) for x, y in data[name]]

    # The question files over the shipped corpus are few and short: each counts as
    # --dev-weight SQuAD questions, by repetition (the loss is a mean over questions).
    dev = [(x * keep, y) for x, y in dev] * max(int(round(args.dev_weight)), 1) if dev else []
    report = []
    for held in SETS:
        train = [g for other in SETS if other != held for g in data[other]] + dev
        w = fit(train, dim, args.l2)
        report.append(f"fitted on the other set, scored on {held}: R@1 {recall_at_1(w, data[held]):.3f}")
    odd = [g for name in SETS for g in data[name][1::2]] + dev
    w = fit(odd, dim, args.l2)
    for name in SETS:
        report.append(f"fitted on odd questions, scored on even ones of {name}: "
                      f"R@1 {recall_at_1(w, data[name][0::2]):.3f}")
    everything = [g for name in SETS for g in data[name]] + dev
    w = fit(everything, dim, args.l2)
    for name in SETS:
        report.append(f"fitted on both sets, scored on {name}: R@1 {recall_at_1(w, data[name]):.3f}")
    print("\n".join(report))
    print("weights:", ", ".join(f"{n} {x:.3f}" for n, x in zip(names, w)))

    if args.write:
        with open(args.write, encoding="utf-8") as old:
            bm25 = [line for line in old if line.startswith(("k1 ", "b "))]
        lines = [
            "# Weights of the re-ranker's linear model (features: src/rank/features.rs).",
            f"# Fitted by scripts/fit_ranker.py on {datetime.date.today()} from "
            + " and ".join(SETS)
            + (f" with {args.dev} counted {args.dev_weight:g} times" if args.dev else "")
            + f" (l2 {args.l2}).",
            "# Re-ranking only (refusals aside), R@1 among the index's candidates:",
        ] + [f"#   {line}" for line in report] + [""]
        lines += [line.rstrip("\n") for line in bm25] + ["", "[weights]"]
        lines += [f"{n} = {x:.4f}" for n, x in zip(names, w) if n not in left_out]
        with open(args.write, "w", encoding="utf-8") as new:
            new.write("\n".join(lines) + "\n")
        print("wrote", args.write)


if __name__ == "__main__":
    sys.exit(main())
