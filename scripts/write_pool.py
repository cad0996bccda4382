#!/usr/bin/env python3
"""Writes the pooled CMRC + DRCD contexts, repeated to a size, as `quotebot bench` does
(files of about 64 KB, one context per paragraph), with a configuration over it and every
third of the first 3000 pool questions, so that a large corpus can be opened and asked again
and again outside the bench:

    python3 scripts/write_pool.py --mb 1000 --out /work/pool1g
    quotebot --config /work/pool1g/quotebot.toml index
    quotebot --config /work/pool1g/quotebot.toml ask '北京大学是哪一年成立的'
    quotebot --config /work/pool1g/quotebot.toml chat < /work/pool1g/questions.txt
"""

import argparse
import json
from pathlib import Path

FILE_BYTES = 64 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000, help="size to repeat the pool to, in MB")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    project = Path(__file__).resolve().parent.parent

    contexts, questions = [], []
    for name in ["cmrc2018_dev.json", "DRCD_dev.json"]:
        data = json.loads((args.data_dir / name).read_text(encoding="utf-8"))
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                contexts.append(paragraph["context"].encode())
                questions.extend(qa["question"].replace("\n", " ") for qa in paragraph["qas"])

    corpus = args.out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    target, written, n_files, buffer = args.mb * 1_000_000, 0, 0, bytearray()
    while written < target:
        for context in contexts:
            if written >= target:
                break
            buffer += context + b"\n\n"
            written += len(context) + 2
            if len(buffer) >= FILE_BYTES:
                (corpus / f"pool-{n_files:06}.txt").write_bytes(buffer)
                n_files, buffer = n_files + 1, bytearray()
    if buffer:
        (corpus / f"pool-{n_files:06}.txt").write_bytes(buffer)
        n_files += 1

    (args.out / "questions.txt").write_text("\n".join(questions[:3000:3]) + "\n", encoding="utf-8")
    config = [f'corpus_dir = "{corpus}"', f'index_dir = "{args.out / "index"}"',
              f'store_file = "{args.out / "store.sqlite3"}"']
    for key in ["cleaning", "synonyms", "ranker", "decision"]:
        config.append(f'{key}_file = "{project / "config" / (key + ".toml")}"')
    (args.out / "quotebot.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    print(f"{n_files} files, {written / 1e6:.0f} MB in {corpus}")


if __name__ == "__main__":
    main()
