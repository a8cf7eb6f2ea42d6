"""The question-answering pipeline `ask` runs: analyse, retrieve, rerank, diversify, decide, write, guard.

>>> assistant = Assistant.load(settings)  # doctest: +SKIP
>>> answer = assistant.ask("May employers use AI to detect how their staff feel?")  # doctest: +SKIP
>>> answer.citations[0].passage.chunk.section  # doctest: +SKIP
'Chapter II PROHIBITED AI PRACTICES > Article 5 Prohibited AI practices > 1(e)–1(f)'
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.abstention import AbstentionPolicy, Decision, EvidenceSignals, decide
from assistant.compare import drawn_from_each
from assistant.conversation import Conversation, mentioned_jurisdictions
from assistant.diversity import diversify, section_unit
from assistant.document_questions import StatingLine, document_fact_asked, stating_lines
from assistant.evidence import evidence_signals, fact_found, stems_of, topic_stems
from assistant.models import Answer
from assistant.question import QuestionIntent, analyse
from assistant.rerank import Reranker, create_reranker
from assistant.routing import Route, Router
from assistant.support import CheckedAnswer, check_citations
from assistant.windows import widen
from assistant.writers.base import Draft, DraftSentence, TokenSink, Writer, WriteRequest
from assistant.writers.extractive import list_items
from assistant.writers.factory import WRITERS, create_writer
from index.embed import Embedder, resolve_model_path
from index.models import Passage, SearchFilters, shown_chunk_ids
from index.search import Searcher
from ingest.manifest import load_registry
from ingest.models import Chunk
from ingest.registry import Registry
from ingest.settings import DEFAULT_EMBEDDER, Settings

GENERATORS = WRITERS
CANDIDATES = 30
ABSTENTION_TEXT = "The indexed documents do not answer this question. The closest passages are listed below."
NOT_ENGLISH = ("Only questions in English are read for now; this question seems to be in another language. "
               "Please ask it in English.")
DEFAULT_SUPPORT_THRESHOLD = 0.5
ENUMERATION_CHUNKS = 8  # the most chunks of one provision gathered for a list answer
# The wording documents use to state each kind of fact, added to a second search when the first found none.
FACT_WORDING = {"amount": "amount of up to EUR USD", "date": "shall apply from date deadline within days",
                "count": "number of", "name": "designated body office responsible"}
ENUMERATION_SOURCES = 5  # a list answer's enumeration is looked for in this many top passages
# A routed search whose best passage is less similar than this (cosine) is weak: the question is searched
# everywhere instead (the place it named is probably not where the answer is).
ROUTE_MIN_SIMILARITY = 0.1


@dataclass
class Assistant:
    settings: Settings
    searcher: Searcher
    reranker: Reranker
    registry: Registry  # the manifest's jurisdictions and secondary documents, read when the assistant is loaded
    writers: dict[str, Writer] = field(default_factory=dict)  # made on first use
    router: Router | None = None  # made on first use from the index's titles and sections
    sentences: Embedder | None = None  # the sentence embedder, once `sentence_embedder` has chosen it

    @classmethod
    def load(cls, settings: Settings, searcher: Searcher | None = None,
             embedder: Embedder | None = None) -> Assistant:
        searcher = searcher or Searcher.load(settings, embedder=embedder)
        return cls(settings, searcher, create_reranker(settings.reranker, searcher),
                   load_registry(settings.manifest_path))

    @property
    def abstention(self) -> AbstentionPolicy:
        policy = AbstentionPolicy()
        return policy if self.settings.abstain_threshold is None \
            else replace(policy, threshold=self.settings.abstain_threshold)

    @property
    def support_threshold(self) -> float:
        threshold = self.settings.support_threshold
        return DEFAULT_SUPPORT_THRESHOLD if threshold is None else threshold

    def writer(self, name: str) -> Writer:
        if name not in self.writers:
            self.writers[name] = create_writer(name, self.settings, self.sentence_embedder, self.registry)
        return self.writers[name]

    @property
    def question_router(self) -> Router:
        """The router over the index's titles and sections, made on first use."""
        if self.router is None:
            self.router = Router.from_chunks(self.searcher.chunks)
        return self.router

    def route(self, query: str, filters: SearchFilters | None, query_vector: np.ndarray) -> Route | None:
        """Where a question that names a document or provision is searched first: that place, within the
        question's own jurisdiction; the named documents alone when the named provision's passages are weak;
        None when the user chose documents, when nothing is named, or when the routed passages are weak."""
        if filters is not None and (filters.doc_ids or filters.sections):
            return None
        route = self.question_router.route(query)
        if route is None:
            return None
        base = self.routed(query, filters)
        while route is not None:
            best = self.searcher.dense_ranking(query_vector, 1, route.filters(base))
            if best and best[0][1] >= ROUTE_MIN_SIMILARITY:
                return route
            route = route.widened()
        return None

    @property
    def sentence_embedder(self) -> Embedder:
        """What scores sentences (answer selection, citation checks, the abstention signals): the shipped model
        in float32, the index's own when it is that one. A larger index model (mpnet) would make every `ask`
        embed dozens of sentences with it: about a second instead of 150 ms, for the passages that model has
        already found. An int8 index model leaves these checks as they were calibrated (README)."""
        if self.sentences is None:
            index_model = self.searcher.embedder
            shipped = resolve_model_path(DEFAULT_EMBEDDER)[0] == resolve_model_path(
                index_model.model_id, self.settings.model_dir)[0]
            in_float32 = index_model.in_float32() if shipped else None
            self.sentences = in_float32 or Embedder.load(DEFAULT_EMBEDDER, batch_size=self.settings.embed_batch_size)
        return self.sentences

    def retrieve(self, query: str, k: int, filters: SearchFilters | None,
                 intent: QuestionIntent | None = None, route: Route | None = None,
                 query_vector: np.ndarray | None = None) -> list[Passage]:
        """First stage, reranking and diversity. A question naming several jurisdictions draws from each; a list
        question gets the whole provision that holds the enumeration. With a `route`, the passages of the
        place the question names come first, then those of the whole search."""
        if query_vector is None:
            query_vector = self.searcher.embedder.encode([query])[0]
        named = mentioned_jurisdictions(query, self.registry)
        if (filters is None or not filters.active) and len(named) >= 2:
            return drawn_from_each(self, query, named, k, CANDIDATES, query_vector)
        filters = self.routed(query, filters)
        passages = self._ranked(query, query_vector, k, filters)
        if route is not None:
            passages = put_first(self._ranked(query, query_vector, k, route.filters(filters)), passages, k)
        if intent is not None and intent.kind == "list":
            passages = self.with_enumeration(query, passages)
        return [p.with_rank(rank) for rank, p in enumerate(passages, start=1)]

    def _ranked(self, query: str, query_vector: np.ndarray, k: int,
                filters: SearchFilters | None) -> list[Passage]:
        candidates = self.searcher.search(query, max(CANDIDATES, k), self.settings.search_mode, filters,
                                          query_vector=query_vector)
        return self.widened(diversify(self.with_explained_provisions(
            query_vector, self.reranker.rerank(query, candidates), filters), self.registry.secondary))[:k]

    def widened(self, passages: list[Passage]) -> list[Passage]:
        """The passages read in their provision windows (`passage_window_words`), or as they are."""
        budget = self.settings.passage_window_words
        return widen(passages, self.searcher.neighbours, budget) if budget > 0 else passages

    def routed(self, query: str, filters: SearchFilters | None) -> SearchFilters | None:
        """The user's filters, or, for a question about one jurisdiction, that jurisdiction's documents."""
        named = mentioned_jurisdictions(query, self.registry)
        if (filters is None or not filters.active) and len(named) == 1:
            return SearchFilters(jurisdictions=frozenset(named))
        return filters

    def with_explained_provisions(self, query_vector: np.ndarray, passages: list[Passage],
                                  filters: SearchFilters | None) -> list[Passage]:
        """Each recital among the passages is followed by the article it explains (when one is close)."""
        present = {p.chunk.chunk_id for p in passages}
        expanded: list[Passage] = []
        for passage in passages:
            expanded.append(passage)
            provision = self.searcher.explained_provision(passage.chunk, query_vector)
            if provision is not None and provision.chunk_id not in present and (
                    filters is None or filters.accepts(provision)):
                present.add(provision.chunk_id)
                expanded.append(Passage(provision, passage.score, passage.rank))
        return expanded

    def with_enumeration(self, query: str, passages: list[Passage]) -> list[Passage]:
        """Of the top passages that hold list items, the one whose heading and text share most words with the
        question brings the other chunks of its provision after the ranked passages, so the list is answered
        whole ("Article 5(1)(a)–(h)", not clause (b) alone) and the ranking is left as it was."""
        listing = [i for i, p in enumerate(passages[:ENUMERATION_SOURCES]) if list_items(p.chunk.text)]
        if not listing:
            return passages
        wanted = topic_stems(query)
        index = max(listing, key=lambda i: (len(wanted & stems_of(passages[i].chunk.section, passages[i].chunk.text)),
                                            -i))
        passage = passages[index]
        present = shown_chunk_ids(passages)
        return passages + [Passage(c, passage.score, passage.rank) for c in self._provision_chunks(passage.chunk)
                           if c.chunk_id not in present]

    def _provision_chunks(self, chunk: Chunk) -> list[Chunk]:
        unit = section_unit(chunk.section)
        gathered = [chunk]
        for step in (0, 1):  # backwards, then forwards
            current = chunk
            while len(gathered) < ENUMERATION_CHUNKS:
                neighbour = self.searcher.neighbours(current)[step]
                if neighbour is None or section_unit(neighbour.section) != unit:
                    break
                gathered.insert(0, neighbour) if step == 0 else gathered.append(neighbour)
                current = neighbour
        return gathered

    def ask(self, question: str, *, k: int | None = None, generator: str | None = None,
            filters: SearchFilters | None = None, conversation: Conversation | None = None,
            on_token: TokenSink | None = None) -> Answer:
        generator = generator or self.settings.generator
        if generator not in GENERATORS:
            raise ValueError(f"unknown generator '{generator}'; valid generators are: {', '.join(GENERATORS)}")
        k = k or self.settings.top_k
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = (now - clock) * 1000
            clock = now

        standalone = conversation.standalone(question, self.registry) if conversation else question
        named_in_follow_up = mentioned_jurisdictions(question, self.registry) if standalone != question else ()
        if named_in_follow_up and (filters is None or not filters.active):
            # "And what about the US?": the follow-up asks about that jurisdiction only
            filters = SearchFilters(jurisdictions=frozenset(named_in_follow_up))
        intent = analyse(standalone, self.registry)
        shown_filters = self.routed(standalone, filters)
        answer = Answer(question=question, text=ABSTENTION_TEXT, citations=(), passages=(), abstained=True,
                        standalone_question=standalone, timings_ms=timings, kind=intent.kind, writer=generator,
                        filters=shown_filters if shown_filters is not None and shown_filters.active else None)
        if not intent.english:
            answer = replace(answer, notices=(NOT_ENGLISH,))
            _stream(answer.text, on_token)
            return self._finish(answer, conversation)
        query_vector = self.searcher.embedder.encode([standalone])[0]
        route = self.route(standalone, filters, query_vector) if self.settings.route_questions else None
        if route is not None:
            answer = replace(answer, searched_in=route.places)
        passages = self.retrieve(standalone, k, filters, intent, route, query_vector)
        lines = self.document_lines(standalone, filters)
        if lines:  # the document's own dating or signing lines answer, ahead of what the search ranked
            first = [Passage(line.chunk, passages[0].score if passages else 1.0) for line in lines]
            passages = [p.with_rank(rank) for rank, p in enumerate(put_first(first, passages, k), start=1)]
        lap("retrieve_ms")
        request = WriteRequest(standalone, intent, tuple(passages))
        drafted = self.writer("extractive").write(request)
        if lines:
            drafted = Draft(tuple(DraftSentence(line.quote, (n,), display=line.shown)
                                  for n, line in enumerate(lines, start=1)),
                            drafted.writer, best_score=drafted.best_score)
        elif fact_found(request, drafted) is False:
            request, drafted = self.seek_fact(request, k, filters, route)
            passages = list(request.passages)
        signals = self.signals(request, drafted, filters)
        policy = self.abstention
        decision = Decision(abstain=False) if lines else decide(signals, intent.kind, policy, self.registry)
        answer = replace(answer, passages=tuple(passages),
                         evidence={**signals.to_dict(), "strength": policy.strength(signals)})
        lap("select_ms")
        if not passages or not drafted.sentences or decision.abstain:
            answer = replace(answer, notices=(decision.notice,) if decision.notice else ())
            _stream(answer.text, on_token)
            return self._finish(answer, conversation)
        if generator == "extractive":
            lap("generate_ms")  # the extractive draft was written with the evidence signals
            answer = self._written(answer, drafted, self._check(drafted, passages), removed_note="")
            _stream(answer.text, on_token)
            lap("check_ms")
        else:
            answer = self._write_guarded(answer, generator, request, drafted, on_token)
            lap("generate_ms")
        return self._finish(answer, conversation)

    def document_lines(self, question: str, filters: SearchFilters | None) -> list[StatingLine]:
        """For a question about a named document itself ("When was EO 14179 signed?", "Who wrote the report?"),
        the sentences of that document stating the date or issuer its manifest gives; empty for other questions."""
        asked = document_fact_asked(question)
        if asked is None:
            return []
        route = self.question_router.route(asked.subject)
        if route is None or route.sections:
            return []
        lines: list[StatingLine] = []
        for doc_id in sorted(route.doc_ids):
            record = self.searcher.manifest.documents.get(doc_id)
            if record is None:
                continue
            chunks = [c for c in map(self.searcher.chunk, record.chunk_ids)
                      if c is not None and (filters is None or filters.accepts(c))]
            lines += stating_lines(chunks, asked.fact, record.entry.get("date", ""), record.entry.get("issuer", ""))
        return lines

    def seek_fact(self, request: WriteRequest, k: int, filters: SearchFilters | None,
                  route: Route | None = None) -> tuple[WriteRequest, Draft]:
        """Search again with the wording that states the kind of fact asked ("shall apply from" for a date),
        when the passages found are on topic but hold no such fact; the new passages join the first ones."""
        hint = FACT_WORDING.get(request.intent.kind, "")
        extra = self.retrieve(f"{request.question} {hint}", k, filters, request.intent, route)
        present = shown_chunk_ids(request.passages)
        fresh = [p for p in extra if not p.chunk_ids & present]
        merged = [p for pair in zip(request.passages, fresh) for p in pair]
        merged += list(request.passages[len(merged) // 2:]) + fresh[len(merged) // 2:]
        widened = WriteRequest(request.question, request.intent, tuple(merged[:k]))
        return widened, self.writer("extractive").write(widened)

    def write_answer(self, answer: Answer, generator: str, on_token: TokenSink | None = None) -> Answer:
        """The same question written again from the same passages by another writer, through the same guards
        (the UI's "Write an answer"). An abstention stays an abstention."""
        if answer.abstained or not answer.passages:
            return answer
        question = answer.standalone_question or answer.question
        request = WriteRequest(question, analyse(question, self.registry), answer.passages)
        drafted = self.writer("extractive").write(request)
        started = time.perf_counter()
        written = self._write_guarded(answer, generator, request, drafted, on_token)
        timings = {**answer.timings_ms, "generate_ms": (time.perf_counter() - started) * 1000}
        return replace(written, timings_ms=timings)

    def _write_guarded(self, answer: Answer, generator: str, request: WriteRequest, extractive: Draft,
                       on_token: TokenSink | None) -> Answer:
        """A writer's draft through the guards; the extractive answer instead when the writer declines although
        the evidence is strong, or when nothing it wrote survives the guards."""
        if generator == "extractive":
            return self._written(answer, extractive, self._check(extractive, list(request.passages)), "")
        draft = self.writer(generator).write(request, on_token)
        if draft.declined:
            return self._written(answer, extractive, self._check(extractive, list(request.passages)),
                                 f"extractive (the {draft.writer} writer declined, but the passages answer)")
        checked = self._check(draft, list(request.passages))
        if not checked.sentences:
            fallback = self._check(extractive, list(request.passages))
            return replace(self._written(answer, extractive, fallback,
                                         f"extractive (no sentence of the {draft.writer} writer passed the checks)"),
                           removed_sentences=checked.removed)
        return self._written(answer, draft, checked, "")

    def _check(self, draft: Draft, passages: list[Passage]) -> CheckedAnswer:
        return check_citations(list(draft.sentences), passages, self.sentence_embedder,
                               self.support_threshold)

    @staticmethod
    def _written(answer: Answer, draft: Draft, checked: CheckedAnswer, removed_note: str) -> Answer:
        return replace(answer, text=checked.text or ABSTENTION_TEXT, citations=checked.citations,
                       abstained=not checked.text, sentences=checked.sentences, support=checked.support,
                       writer=removed_note or draft.writer, removed_sentences=checked.removed)

    def signals(self, request: WriteRequest, drafted: Draft, filters: SearchFilters | None) -> EvidenceSignals:
        return evidence_signals(request, drafted, filters, self.searcher.chunk_frequency)

    @staticmethod
    def _finish(answer: Answer, conversation: Conversation | None) -> Answer:
        answer.timings_ms["total_ms"] = sum(v for key, v in answer.timings_ms.items() if key != "total_ms")
        if conversation is not None:
            conversation.add(answer)
        return answer


def put_first(first: list[Passage], passages: list[Passage], k: int) -> list[Passage]:
    """`first`, then the passages that show none of their chunks, `k` in all."""
    present = shown_chunk_ids(first)
    return (first + [p for p in passages if not p.chunk_ids & present])[:k]


def _stream(text: str, on_token: TokenSink | None) -> None:
    if on_token is None:
        return
    for piece in _words(text):
        on_token(piece)


def _words(text: str) -> Iterator[str]:
    start = 0
    for index, char in enumerate(text):
        if char == " ":
            yield text[start:index + 1]
            start = index + 1
    if start < len(text):
        yield text[start:]
