#!/usr/bin/env python3
"""Fits the answer/refuse decision (config/decision.toml): a logistic model of the probability
that a ranked sentence answers its question, and the two confidence floors.

Training data comes from `quotebot eval … --decision OUT` (src/measure/decision.rs): for each
question, the decision's inputs of its first ranked sentences and whether each holds a gold
answer. Answerable questions are the SQuAD-format dev files' own questions and the answerable
questions of the Datong sets in eval/; unanswerable ones are the dev files' article-half sets
(`--unanswerable`: the questions of one half of the articles asked of the other half's
contexts, kept only when no pooled context holds the answer) and the Datong negatives. A
question the coverage rule stops (`covers` false) is refused whatever the model says, so it
is left out of the fit.

A sentence is an example: label 1 when it holds a gold answer. Only the first --depth
sentences of a question are used. The model is gradient-boosted trees (lightgbm, binary log
loss, one thread, deterministic), written out as flat trees that src/search/confidence.rs walks;
the script checks that its own walk gives lightgbm's scores.

The model shipped is fitted on the odd-numbered questions of every set only, so that the even
ones stay held out: `quotebot eval --squad` reports calibration on them. Reported: for each
threshold, the share of unanswerable questions answered and R@1 of
the answerable ones (answered, and the first sentence passing the threshold holds the answer),
as Rust applies it; and the expected calibration error (10 bins) of the top sentence's
confidence. eval/datong_near_misses.jsonl is never read: it is the held-out check.

The re-ranker (`order_tree`) is fitted first, on the same odd-numbered questions: lambdarank
over the first eight sentences of every answerable question that has one holding the answer.
The decision is then fitted on the sentences in the re-ranker's order, and both are scored as
src/search/mod.rs `decide` applies them.

Usage (from the repository root, release binary built, ../shared beside it):
    python3 scripts/fit_decision.py [--refit-ranker] [--write config/decision.toml]
Needs numpy and lightgbm.
"""

import argparse
import datetime
import json
import os
import pickle
import subprocess
import sys
import tempfile

import lightgbm as lgb
import numpy as np

SQUAD = ["cmrc2018_dev.json", "DRCD_dev.json"]
# datong_colloquial.jsonl and datong_near_misses.jsonl stay out of every fit: they measure how
# the decision carries to wordings and questions nobody fitted it on.
DATONG = ["eval/datong_dev.jsonl", "eval/datong_negatives.jsonl"]


def dump(binary, args, out, config):
    subprocess.run([binary, "--config", config, "eval", *args, "--decision", out], check=True)
    names, questions = None, []
    with open(out, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if "inputs" in record:
                names = record["inputs"]
                continue
            record["x"] = np.array(record["x"], dtype=np.float64).reshape(-1, len(names))
            record["labels"] = np.array(record["labels"], dtype=np.float64)
            questions.append(record)
    return names, questions


def examples(questions, depth, weight_of):
    """The first `depth` sentences of each question in the re-ranker's order."""
    xs, ys, ws = [], [], []
    for q in questions:
        if not q["covers"] or len(q["labels"]) == 0:
            continue
        take = q["order"][:depth]
        xs.append(q["x"][take])
        ys.append(q["labels"][take])
        ws.append(np.full(len(take), weight_of(q)))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def ranking_groups(questions, weight_of):
    """Every answerable question with a sentence holding the answer, as a lambdarank group
    (a question counted w times is repeated w times)."""
    xs, ys, groups = [], [], []
    for q in questions:
        if not q["answerable"] or len(q["labels"]) == 0 or q["labels"].max() == 0:
            continue
        for _ in range(int(round(weight_of(q)))):
            xs.append(q["x"])
            ys.append(q["labels"])
            groups.append(len(q["labels"]))
    return np.vstack(xs), np.concatenate(ys), groups


def fit(x, y, w, args, group=None):
    """Gradient-boosted trees (binary log loss; lambdarank when `group` is given), as flat
    trees the Rust side walks."""
    params = dict(
        objective="binary" if group is None else "lambdarank",
        learning_rate=args.learning_rate,
        num_leaves=args.leaves,
        min_data_in_leaf=args.min_leaf,
        feature_fraction=1.0,
        bagging_fraction=1.0,
        deterministic=True,
        num_threads=1,
        seed=7,
        verbose=-1,
    )
    if group is not None:
        params.update(learning_rate=args.order_learning_rate, num_leaves=args.order_leaves,
                      min_data_in_leaf=args.order_min_leaf,
                      lambdarank_truncation_level=len(y))
    rounds = args.trees if group is None else args.order_trees
    booster = lgb.train(params, lgb.Dataset(x, y, weight=w, group=group), rounds)
    trees = [flatten(tree["tree_structure"]) for tree in booster.dump_model()["tree_info"]]
    # The flat trees must give what lightgbm gives, to the last digit that matters.
    sample = x[:: max(1, len(x) // 2000)]
    ours = np.array([sum(walk(tree, row) for tree in trees) for row in sample])
    theirs = booster.predict(sample, raw_score=True)
    assert np.abs(ours - theirs).max() < 1e-6, np.abs(ours - theirs).max()
    return trees, booster


def flatten(root):
    """Nodes numbered in pre-order (a child after its parent), leaves in the order met; a child
    below zero is the leaf -child - 1."""
    tree = dict(split=[], threshold=[], left=[], right=[], leaf=[])
    if "leaf_value" in root:
        tree["leaf"].append(root["leaf_value"])
        return tree

    def visit(node):
        if "leaf_value" in node:
            tree["leaf"].append(node["leaf_value"])
            return -len(tree["leaf"])
        assert node["decision_type"] == "<=", node["decision_type"]
        at = len(tree["split"])
        tree["split"].append(node["split_feature"])
        tree["threshold"].append(node["threshold"])
        tree["left"].append(0)
        tree["right"].append(0)
        tree["left"][at] = visit(node["left_child"])
        tree["right"][at] = visit(node["right_child"])
        return at

    visit(root)
    return tree


def walk(tree, row):
    if not tree["split"]:
        return tree["leaf"][0]
    node = 0
    while True:
        child = tree["left"][node] if row[tree["split"][node]] <= tree["threshold"][node] else tree["right"][node]
        if child < 0:
            return tree["leaf"][-child - 1]
        node = child


def ordered(q, ranker):
    """The question's sentences in the re-ranker's order (a stable sort: ties keep the
    ranker's order), as src/search/mod.rs `decide` puts them."""
    if len(q["labels"]) == 0 or ranker is None:
        return np.arange(len(q["labels"]))
    return np.argsort(-ranker.predict(q["x"]), kind="stable")


def outcome(q, threshold):
    """(answered, correct, top confidence, top label) as src/search applies the decision."""
    if len(q["labels"]) == 0:
        return False, False, 0.0, 0.0
    p, labels = q["p"][q["order"]], q["labels"][q["order"]]
    passing = np.nonzero(p >= threshold)[0]
    answered = bool(q["covers"]) and len(passing) > 0
    correct = answered and labels[passing[0]] > 0
    return answered, correct, float(p[0]), float(labels[0])


def ece(conf, label, bins=10):
    conf, label = np.asarray(conf), np.asarray(label)
    total, error = len(conf), 0.0
    for b in range(bins):
        inside = (conf >= b / bins) & ((conf < (b + 1) / bins) | (b == bins - 1))
        if inside.any():
            error += inside.sum() / total * abs(conf[inside].mean() - label[inside].mean())
    return error


def report(sets, thresholds, pick):
    lines = []
    for threshold in thresholds:
        cells = []
        for name, questions in sets.items():
            chosen = [q for q in questions if pick(q)]
            results = [outcome(q, threshold) for q in chosen]
            answerable = [r for q, r in zip(chosen, results) if q["answerable"]]
            unanswerable = [r for q, r in zip(chosen, results) if not q["answerable"]]
            if answerable:
                cells.append(f"{name} R@1 {np.mean([r[1] for r in answerable]):.3f}")
            if unanswerable:
                cells.append(f"{name} answered {np.mean([r[0] for r in unanswerable]):.3f}")
        lines.append(f"  threshold {threshold:.2f}: " + "; ".join(cells))
    return lines


def calibration(sets, pick):
    """ECE of the top sentence's confidence over every question the rule lets through."""
    conf, label = [], []
    for questions in sets.values():
        for q in questions:
            if pick(q) and q["covers"] and len(q["labels"]):
                _, _, c, l = outcome(q, 0.0)
                conf.append(c)
                label.append(l)
    return ece(conf, label), len(conf)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--binary", default="target/release/quotebot")
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=15)
    parser.add_argument("--min-leaf", type=int, default=40)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--order-trees", type=int, default=200,
                        help="trees of the re-ranker (0: keep the ranker's order)")
    parser.add_argument("--order-leaves", type=int, default=15)
    parser.add_argument("--order-learning-rate", type=float, default=0.05)
    parser.add_argument("--order-min-leaf", type=int, default=40)
    parser.add_argument("--datong-weight", type=float, default=10.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--more-quotes", type=float, default=0.5)
    parser.add_argument("--scan", default="0.2,0.3,0.4,0.5,0.6", help="thresholds to report")
    parser.add_argument("--cache", help="keep the dumped questions in this file and read them "
                        "from it when it exists (the ranker and the inputs must not have changed)")
    parser.add_argument("--write", help="write the model to this file (config/decision.toml)")
    parser.add_argument("--refit-ranker", action="store_true",
                        help="first refit the linear ranker (scripts/fit_ranker.py, written to "
                        "config/ranker.toml), so that the decision is fitted on its ranking")
    args = parser.parse_args()

    if args.refit_ranker:
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "fit_ranker.py"),
                        "--data", args.data, "--binary", args.binary,
                        "--dev", "eval/datong_dev.jsonl", "--dev-weight", "10",
                        "--write", "config/ranker.toml"], check=True)
        if args.cache and os.path.exists(args.cache):
            os.remove(args.cache)

    if args.cache and os.path.exists(args.cache):
        with open(args.cache, "rb") as cached:
            names, sets = pickle.load(cached)
    else:
        names, sets = dump_sets(args)
        if args.cache:
            with open(args.cache, "wb") as cached:
                pickle.dump((names, sets), cached)

    def weight_of(q):
        return args.datong_weight if q["set"].startswith("datong") else 1.0

    def everything(part):
        return [q for questions in sets.values() for q in questions if part(q)]

    odd, even = (lambda q: q["q"] % 2 == 1), (lambda q: q["q"] % 2 == 0)
    thresholds = [float(t) for t in args.scan.split(",")]

    order_trees, ranker = [], None
    if args.order_trees > 0:
        x, y, groups = ranking_groups(everything(odd), weight_of)
        order_trees, ranker = fit(x, y, None, args, group=groups)
    for q in everything(lambda q: True):
        q["order"] = ordered(q, ranker)
    trees, booster = fit(*examples(everything(odd), args.depth, weight_of), args)
    for q in everything(lambda q: True):
        q["p"] = booster.predict(q["x"]) if len(q["labels"]) else np.zeros(0)
    held_out = report(sets, thresholds, even)
    held_ece, n_held = calibration(sets, even)
    print("fitted on odd questions, scored on even ones:")
    print("\n".join(held_out))
    print(f"  calibration of the top sentence: ECE {held_ece:.3f} over {n_held} questions")

    if args.write:
        today = datetime.date.today().isoformat()
        sources = ", ".join(SQUAD + [os.path.basename(p) for p in DATONG])
        with open(args.write, "w", encoding="utf-8") as out:
            out.write("# The answer/refuse decision (inputs: src/search/confidence.rs): gradient-boosted trees giving the\n")
            out.write("# probability that a ranked sentence answers its question, the floors a quote must reach, and\n")
            out.write("# the re-ranker that orders the sentences the decision looks at (order_tree).\n")
            out.write(f"# Fitted by scripts/fit_decision.py on {today} from {sources}\n")
            out.write(f"# (first {args.depth} sentences of each question in the re-ranker's order, Datong sets counted {args.datong_weight:g} times;\n")
            out.write(f"# {args.trees} trees of {args.leaves} leaves, at least {args.min_leaf} examples a leaf, learning rate {args.learning_rate:g};\n")
            out.write(f"# re-ranker: lambdarank, {args.order_trees} trees of {args.order_leaves} leaves, learning rate {args.order_learning_rate:g}).\n")
            out.write("# Fitted on the odd-numbered questions of every set only; scored on the even ones:\n")
            for line in held_out:
                out.write(f"#{line}\n")
            out.write(f"#   calibration of the top sentence: ECE {held_ece:.3f} over {n_held} questions\n\n")
            out.write("# A reply quotes a sentence only when its confidence reaches this…\n")
            out.write(f"answer_threshold = {args.threshold}\n")
            out.write("# …and shows further quotes only when theirs reaches this.\n")
            out.write(f"more_quotes_threshold = {args.more_quotes}\n")
            out.write(f"inputs = {json.dumps(names)}\n")
            for table, written in [("tree", trees), ("order_tree", order_trees)]:
                for tree in written:
                    out.write(f"\n[[{table}]]\n")
                    for key in ["split", "threshold", "left", "right", "leaf"]:
                        values = ", ".join(repr(v) if key in ("threshold", "leaf") else str(v) for v in tree[key])
                        out.write(f"{key} = [{values}]\n")
        print(f"wrote {args.write}")


def dump_sets(args):
    """Every set's questions as the binary ranks them. The binary runs with a decision file
    without trees: the inputs do not depend on the decision, and the shipped one may have
    been fitted for other inputs."""
    sets, names = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        bootstrap = os.path.join(tmp, "decision.toml")
        with open(bootstrap, "w", encoding="utf-8") as out:
            out.write("answer_threshold = 0.5\nmore_quotes_threshold = 0.5\ninputs = []\ntree = []\n")
        config = os.path.join(tmp, "quotebot.toml")
        with open(config, "w", encoding="utf-8") as out:
            out.write(f"decision_file = {json.dumps(bootstrap)}\n")
        for name in SQUAD:
            path = os.path.join(args.data, name)
            out = os.path.join(tmp, name + ".jsonl")
            names, questions = dump(
                args.binary, [path, "--squad", "--unanswerable", "--max-questions", "0"], out, config
            )
            stem = name.split(".")[0]
            sets[stem] = [q for q in questions if q["answerable"]]
            sets[stem + "/unanswerable"] = [q for q in questions if not q["answerable"]]
        for path in DATONG:
            out = os.path.join(tmp, os.path.basename(path))
            names, questions = dump(args.binary, [path], out, config)
            sets[os.path.basename(path).split(".")[0]] = questions
    return names, sets


if __name__ == "__main__":
    sys.exit(main())
