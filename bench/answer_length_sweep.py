"""How long and how far-reaching the extractive answer should be: key-fact recall, citation precision and
abstention on the shipped sets for a few settings of the writer's constants (sentences kept, relative floor,
words shown of a list item, passages read for an open question, penalty per passage rank).

Run: .venv/bin/python bench/answer_length_sweep.py [--data-dir .policyqa] [--grid length|reach]
"""

from __future__ import annotations

import argparse

from bench_paths import EVAL_SET, NEAR_MISS_SET

from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.metrics import abstention_prf, citation_precision, key_fact_recall, mean
from assistant.pipeline import Assistant
from assistant.writers import extractive
from ingest.settings import load_settings

# Each setting names the writer's constants it changes; the others keep their shipped values.
GRIDS = {
    "length": [{"MAX_SENTENCES": 3, "RELATIVE_FLOOR": 0.85, "ITEM_WORDS": 45},
               {"MAX_SENTENCES": 4, "RELATIVE_FLOOR": 0.85, "ITEM_WORDS": 70},
               {"MAX_SENTENCES": 5, "RELATIVE_FLOOR": 0.8, "ITEM_WORDS": 70},
               {"MAX_SENTENCES": 4, "RELATIVE_FLOOR": 0.75, "ITEM_WORDS": 70}],
    "reach": [{"TOP_PASSAGES": 3, "RANK_PENALTY": 0.03},
              {"TOP_PASSAGES": 4, "RANK_PENALTY": 0.03},
              {"TOP_PASSAGES": 5, "RANK_PENALTY": 0.03},
              {"TOP_PASSAGES": 5, "RANK_PENALTY": 0.015},
              {"TOP_PASSAGES": 5, "RANK_PENALTY": 0.05}],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--grid", choices=sorted(GRIDS), default="length")
    args = parser.parse_args()
    assistant = Assistant.load(load_settings(overrides={"data_dir": args.data_dir}))
    sets = {path.name: load_eval_set(path)[0] for path in (EVAL_SET, NEAR_MISS_SET)}
    shipped = {name: getattr(extractive, name) for setting in GRIDS[args.grid] for name in setting}
    for setting in GRIDS[args.grid]:
        for name, value in {**shipped, **setting}.items():
            setattr(extractive, name, value)
        figures = []
        for set_name, items in sets.items():
            recall, precision, should, abstained = [], [], [], []
            for item in items:
                answer = assistant.ask(item.question)
                should.append(not item.answerable)
                abstained.append(answer.abstained)
                if not item.answerable:
                    continue
                if item.key_facts:
                    recall.append(key_fact_recall(answer.text, item.key_facts, answer.abstained))
                precision.append(citation_precision(answer.citations, item.evidence))
            f1 = abstention_prf(should, abstained)[2]
            wrong = sum(a for s, a in zip(should, abstained) if not s) / max(1, should.count(False))
            figures.append(f"{set_name}: key-fact recall {mean(recall):.3f}, citation precision "
                           f"{mean(precision):.3f}, abstention F1 {f1:.3f}, wrongly abstained {wrong:.1%}")
        label = ", ".join(f"{name} {value}" for name, value in setting.items())
        print(f"{label}: " + "; ".join(figures), flush=True)


if __name__ == "__main__":
    main()
