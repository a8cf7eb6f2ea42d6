"""Latency of the LLM writer with the default answer model: first token and whole answer, p50/p95, over answerable
questions of the shipped eval set on policyqa's own retrieved passages, and the prompt size in words.

Run from the repository root (needs a built index and `policyqa model install`):
    .venv/bin/python bench/llm_bench.py [--data-dir .policyqa] [--questions 8] [--passages 4] [--words 300]
                                        [--max-tokens 256] [--model qwen2.5-coder-1.5b] [--show]
"""

from __future__ import annotations

import argparse
import os
import time

from bench_paths import EVAL_SET

from assistant.chat.prompt import prompt_words
from assistant.evaluation.dataset import load_eval_set
from assistant.evaluation.metrics import percentile
from assistant.pipeline import Assistant
from assistant.question import analyse
from assistant.writers.base import WriteRequest
from assistant.writers.llm import PROMPT_PASSAGES, PROMPT_WORDS, LLMWriter, PromptShape, create_llm_writer
from ingest.settings import load_settings

FIRST_TOKEN_TARGET_S = 6.0
ANSWER_TARGET_S = 25.0


def spread(questions: list[str], n: int) -> list[str]:
    """n questions taken evenly through the set, so every document family is asked about."""
    step = max(1, len(questions) // n)
    return questions[::step][:n]


def timed_write(writer: LLMWriter, request: WriteRequest) -> tuple[float, float, int, str]:
    """(seconds to the first piece, seconds to the whole answer, sentences that claim a source, the reply)."""
    first: list[float] = []
    pieces: list[str] = []
    started = time.perf_counter()

    def sink(piece: str) -> None:
        if not first:
            first.append(time.perf_counter() - started)
        pieces.append(piece)

    draft = writer.write(request, on_token=sink)
    total = time.perf_counter() - started
    return (
        (first[0] if first else total),
        total,
        sum(1 for s in draft.sentences if s.sources),
        "".join(pieces),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--passages", type=int, default=PROMPT_PASSAGES)
    parser.add_argument("--words", type=int, default=PROMPT_WORDS)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--model", default=None, help="an installed local model (default: llm_local_model)")
    parser.add_argument("--show", action="store_true", help="print each reply under its row")
    args = parser.parse_args()
    settings = load_settings(overrides={"data_dir": args.data_dir, "llm_local_model": args.model,
                                        "llm_max_tokens": args.max_tokens})
    assistant = Assistant.load(settings)
    chosen = create_llm_writer(settings)
    writer = LLMWriter(chosen.chat, chosen.max_tokens, PromptShape(args.passages, args.words))
    items, _ = load_eval_set(EVAL_SET)
    answerable = [item.question for item in items if item.answerable]
    questions = spread(answerable[:-1], args.questions)

    started = time.perf_counter()
    warm = answerable[-1]  # loads the model and caches the system prompt; a prompt not measured after
    writer.write(WriteRequest(warm, analyse(warm, assistant.registry), tuple(assistant.retrieve(warm, settings.top_k, None))))
    print(f"{writer.name}: {args.passages} passages, {args.words} words, max_tokens {writer.max_tokens}, "
          f"{os.cpu_count()} CPUs; load and first answer {time.perf_counter() - started:.1f} s (not counted)")

    firsts, totals, words = [], [], []
    print("| question | prompt words | first token s | answer s | cited sentences |\n|---|---|---|---|---|")
    for question in questions:
        request = WriteRequest(question, analyse(question, assistant.registry), tuple(assistant.retrieve(question, settings.top_k, None)))
        size = prompt_words(writer.messages(request))
        first, total, cited, reply = timed_write(writer, request)
        firsts.append(first)
        totals.append(total)
        words.append(size)
        print(f"| {question[:60]} | {size} | {first:.1f} | {total:.1f} | {cited} |")
        if args.show:
            print("\n".join(f"    {line}" for line in reply.splitlines()))
    print(f"\nfirst token: p50 {percentile(firsts, 50):.1f} s, p95 {percentile(firsts, 95):.1f} s "
          f"(target p50 <= {FIRST_TOKEN_TARGET_S:.0f} s)")
    print(f"whole answer: p50 {percentile(totals, 50):.1f} s, p95 {percentile(totals, 95):.1f} s "
          f"(target p50 <= {ANSWER_TARGET_S:.0f} s)")
    print(f"prompt words: p50 {percentile(words, 50):.0f}, max {max(words)}")


if __name__ == "__main__":
    main()
