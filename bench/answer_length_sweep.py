"""How long the extractive answer should be: key-fact recall against citation precision on the shipped sets for
a few settings of the number of sentences, the relative floor and the words shown of a list item.

Run: .venv/bin/python bench/answer_length_sweep.py [--data-dir .policyqa]
"""

from __future__ import annotations

import argparse

from bench_paths import EVAL_SET, NEAR_MISS_SET

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.metrics import citation_precision, key_fact_recall, mean
from assistant.pipeline import Assistant
from assistant.writers import extractive
from ingest.settings import load_settings

SETTINGS = [(3, 0.85, 45), (4, 0.85, 70), (5, 0.8, 70), (4, 0.75, 70)]  # sentences, floor, item words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    assistant = Assistant.load(load_settings(overrides={"data_dir": args.data_dir}))
    sets = {path.name: load_eval_set(path)[0] for path in (EVAL_SET, NEAR_MISS_SET)}
    for sentences, floor, words in SETTINGS:
        extractive.MAX_SENTENCES, extractive.RELATIVE_FLOOR, extractive.ITEM_WORDS = sentences, floor, words
        figures = []
        for name, items in sets.items():
            recall, precision = [], []
            for item in items:
                if not item.answerable:
                    continue
                answer = assistant.ask(item.question)
                if item.key_facts:
                    recall.append(key_fact_recall(answer.text, item.key_facts, answer.abstained))
                precision.append(citation_precision(answer.citations, item.evidence))
            figures.append(f"{name}: key-fact recall {mean(recall):.3f}, citation precision {mean(precision):.3f}")
        print(f"{sentences} sentences, floor {floor}, {words} words an item: " + "; ".join(figures), flush=True)


if __name__ == "__main__":
    main()
