"""Where the benchmarks find the repository, the default corpus and the shipped eval set.

Importing it also makes the repository importable and keeps model loading offline, so every benchmark starts
with `from bench_paths import ...` before importing policyqa's packages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_MANIFEST = REPO / "corpus" / "sources.toml"
EVAL_SET = REPO / "corpus" / "eval" / "policyqa-eval.jsonl"
NEAR_MISS_SET = REPO / "corpus" / "eval" / "near-miss.jsonl"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
