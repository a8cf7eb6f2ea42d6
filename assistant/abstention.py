"""Whether to answer: the evidence signals of a question's passages and the one decision made from them.

>>> decide(EvidenceSignals(best_sentence_similarity=0.62, fact_found=False), kind="count")
Decision(abstain=True, reason='fact', notice='The documents discuss this topic but do not state the number asked for.')

A question can be off-topic (weak similarity), name something the documents never mention (a name or a rare
term absent from the passages), ask about a jurisdiction whose documents gave no passage, or be on topic while
the passages hold no fact of the kind asked (no amount for "how much"). A writer's own "the passages do not
answer" is one more signal, weighed against the others by the pipeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ingest.registry import Registry

FACT_KIND_WORDS = {"amount": "amount", "count": "number", "date": "date", "name": "body, person or document"}


@dataclass(frozen=True)
class EvidenceSignals:
    best_sentence_similarity: float
    names_not_found: int = 0
    terms_not_found: int = 0
    fact_found: bool | None = None  # None: the question asks for no particular kind of fact
    jurisdiction_found: bool | None = None  # None: the question names no single jurisdiction
    missing_jurisdiction: str = ""
    outside_corpus: str = ""  # a jurisdiction outside the corpus the question asks about ("China")
    after_the_documents: bool = False  # the question asks what happened after the documents ("so far")

    def to_dict(self) -> dict[str, float]:
        """The signals as numbers (-1 for a signal that does not apply), as answers and reports carry them."""
        values = {k: v for k, v in asdict(self).items() if k not in ("missing_jurisdiction", "outside_corpus")}
        return {**{k: float(-1 if v is None else v) for k, v in values.items()},
                "outside_corpus": float(bool(self.outside_corpus))}


@dataclass(frozen=True)
class AbstentionPolicy:
    """How the signals are weighed. The defaults are those `bench/calibrate_abstention.py` chose on the shipped
    sets: the highest abstention F1 of the worse set (ties: the higher mean) with answerable items wrongly
    abstained ≤ 5 % in each (0.909 on policyqa-eval, 0.873 on near-miss). A rare word's absence proved noise (paraphrased questions
    use the corpus's rarer words for other things), so it weighs nothing by default."""

    threshold: float = 0.18
    name_penalty: float = 0.20  # per capitalised name of the question no passage mentions, rare in the corpus
    term_penalty: float = 0.0  # per rare word of the question that no passage contains
    use_facts: bool = True  # abstain when the passages hold no fact of the kind asked
    use_jurisdiction: bool = True  # abstain when the jurisdiction asked about gave no passage or is not indexed
    use_later_events: bool = True  # abstain when the question asks what happened after the documents

    def strength(self, signals: EvidenceSignals) -> float:
        return (signals.best_sentence_similarity - self.name_penalty * signals.names_not_found
                - self.term_penalty * signals.terms_not_found)


@dataclass(frozen=True)
class Decision:
    abstain: bool
    reason: str = ""  # "weak", "jurisdiction", "later", "fact" or "" when answering
    notice: str = ""  # a line shown with the abstention: what the documents do and do not hold


def decide(signals: EvidenceSignals, kind: str, policy: AbstentionPolicy = AbstentionPolicy(),
           registry: Registry | None = None) -> Decision:
    """Abstain when the evidence is weak, from the wrong jurisdiction, about later events, or on topic without
    the fact asked. The notices name jurisdictions as the `registry` does (by their codes without one)."""
    if policy.strength(signals) < policy.threshold:
        return Decision(True, "weak")
    if policy.use_jurisdiction and signals.outside_corpus:
        held = [j.short for j in registry.jurisdictions] if registry is not None else []
        holds = f"hold the texts of {_listed(held)}, not" if held else "do not hold"
        return Decision(True, "jurisdiction", f"The indexed documents {holds} those of {signals.outside_corpus}.")
    if policy.use_jurisdiction and signals.jurisdiction_found is False:
        code = signals.missing_jurisdiction
        name = registry.get(code).short if registry is not None and code in registry.declared else code
        return Decision(True, "jurisdiction",
                        f"No passage from the documents of {name} addresses this; other jurisdictions' texts do.")
    if policy.use_later_events and signals.after_the_documents:
        return Decision(True, "later", "The documents cannot say what happened after they were written; "
                                       "the closest passages are what they say on the subject.")
    if policy.use_facts and signals.fact_found is False:
        return Decision(True, "fact", f"The documents discuss this topic but do not state the "
                                      f"{FACT_KIND_WORDS.get(kind, 'fact')} asked for.")
    return Decision(False)


def _listed(names: list[str]) -> str:
    """Names run together: the EU, the US and Japan."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
