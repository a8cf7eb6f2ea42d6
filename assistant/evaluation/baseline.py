"""The LangChain recipe most RAG tutorials ship, over the same documents and embedder, as a reference to beat.

>>> baseline = LangChainBaseline.load(settings, progress=True)  # doctest: +SKIP
>>> baseline.ask("What does the AI Act prohibit?", k=10).citations[0].passage.chunk.doc_id  # doctest: +SKIP
'eu-ai-act-2024-1689'

`PyPDFLoader` / `TextLoader` → `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)` → our
embedder behind a LangChain `Embeddings` adapter → LangChain's `FAISS` store → `similarity_search_with_score`.
Its answer is the first two sentences of the top passage with `[1]`; it never abstains. The store is cached
under `data_dir/baseline/<key>`, the key hashing the corpus files' sha256, the embedder and the splitter.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.models import Answer, AnswerSentence, Citation
from index.embed import Embedder
from index.models import Passage, SearchFilters
from ingest.corpus_status import sha256_file
from ingest.manifest import load_manifest
from ingest.models import Chunk, SourceEntry
from ingest.sentences import sentence_spans
from ingest.settings import Settings

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
BASELINE_VERSION = 1  # bumped when what is stored, or how it is built, changes
ANSWER_SENTENCES = 2
BASELINE_WRITER = "first-two-sentences"  # the tutorial recipe: the top passage's first two sentences


class BaselineError(Exception):
    """The baseline cannot be built: no manifest document is present in the corpus directory."""


class EmbedderEmbeddings(Embeddings):
    """Our `Embedder` as a LangChain `Embeddings`: L2-normalised vectors as lists of floats."""

    def __init__(self, embedder: Embedder, progress: bool = False) -> None:
        self.embedder = embedder
        self.progress = progress

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode(list(texts), progress=self.progress, bulk=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode([text])[0].tolist()


def corpus_files(settings: Settings) -> tuple[list[tuple[Path, SourceEntry]], list[str]]:
    """The manifest's documents present in the corpus directory, and one message per missing one."""
    present: list[tuple[Path, SourceEntry]] = []
    missing: list[str] = []
    for entry in load_manifest(settings.manifest_path):
        path = settings.corpus_dir / entry.file
        if path.is_file():
            present.append((path, entry))
        else:
            missing.append(f"{entry.id}: {path} not found")
    return present, missing


def cache_key(files: Sequence[tuple[Path, SourceEntry]], embedder_fingerprint: str) -> str:
    """Changes when any corpus file's content, the set of files, the embedder or the recipe changes."""
    digest = hashlib.sha256(f"v{BASELINE_VERSION}|{CHUNK_SIZE}|{CHUNK_OVERLAP}|{embedder_fingerprint}".encode())
    for path, entry in sorted(files, key=lambda pair: pair[1].id):
        digest.update(f"|{entry.id}|{path.name}|{sha256_file(path)}".encode())
    return digest.hexdigest()[:24]


def _langchain_community() -> Any:
    # langchain-community announces its own sunset on import; the recipe under test still uses it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import langchain_community.document_loaders as loaders
        from langchain_community import vectorstores
    return loaders, vectorstores


def load_documents(files: Sequence[tuple[Path, SourceEntry]]) -> list[Document]:
    """The tutorial loaders (PDF: one Document a page; text and Markdown: one a file), tagged with our ids."""
    loaders, _ = _langchain_community()
    documents: list[Document] = []
    for path, entry in files:
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            loader: Any = loaders.PyPDFLoader(str(path))
        elif suffix in (".html", ".htm"):
            loader = loaders.BSHTMLLoader(str(path), open_encoding="utf-8")
        else:
            loader = loaders.TextLoader(str(path), encoding="utf-8")
        for document in loader.load():
            document.metadata.update(doc_id=entry.id, title=entry.title, jurisdiction=entry.jurisdiction,
                                     url=entry.url, issuer=entry.issuer)
            documents.append(document)
    return documents


def split_documents(documents: list[Document]) -> list[Document]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP,
                                              add_start_index=True)
    chunks = splitter.split_documents(documents)
    for number, chunk in enumerate(chunks):
        chunk.id = f"{chunk.metadata['doc_id']}:lc{number:05d}"
    return chunks


def to_passage(document: Document, distance: float, rank: int) -> Passage:
    """A LangChain search hit as our `Passage`; score is the cosine similarity (vectors are normalised,
    so FAISS's squared L2 distance d gives cos = 1 − d/2)."""
    md = document.metadata
    page = int(md.get("page", 0)) + 1  # PyPDFLoader counts pages from 0; text files have no page: 1
    start = int(md.get("start_index", 0) or 0)
    chunk = Chunk(
        chunk_id=str(document.id or md.get("chunk_id") or ""),
        doc_id=str(md.get("doc_id") or Path(str(md.get("source", ""))).stem),
        title=str(md.get("title", "")), jurisdiction=str(md.get("jurisdiction", "unknown")),
        page_start=page, page_end=page, section="", char_start=start, char_end=start + len(document.page_content),
        text=document.page_content, url=str(md.get("url", "")), issuer=str(md.get("issuer", "")),
    )
    return Passage(chunk=chunk, score=1.0 - float(distance) / 2.0, rank=rank)


def first_sentences(text: str, n: int = ANSWER_SENTENCES) -> list[str]:
    """The first `n` sentences of a passage, whitespace collapsed."""
    flat = " ".join(text.split())
    return [flat[s:e] for s, e in sentence_spans(flat, semicolons=False)][:n]


@dataclass
class LangChainBaseline:
    store: Any  # langchain_community.vectorstores.FAISS
    key: str
    built: bool  # whether this load embedded the corpus (False: read from the cache)
    n_chunks: int
    missing: tuple[str, ...] = ()

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> LangChainBaseline:
        """Open the cached store for the current corpus, or build and cache it (embedding takes minutes)."""
        files, missing = corpus_files(settings)
        if not files:
            raise BaselineError(f"none of the manifest's documents is in {settings.corpus_dir}; "
                                "run `policyqa corpus sync` first")
        if embedder is None:
            embedder = Embedder.for_settings(settings)
        embeddings = EmbedderEmbeddings(embedder, progress=progress)
        key = cache_key(files, embedder.fingerprint)
        folder = settings.data_dir / "baseline" / key
        if (folder / "meta.json").is_file():
            store = _read_store(folder, embeddings)
            return cls(store=store, key=key, built=False, n_chunks=int(store.index.ntotal), missing=tuple(missing))
        _, vectorstores = _langchain_community()
        chunks = split_documents(load_documents(files))
        store = vectorstores.FAISS.from_documents(chunks, embeddings, ids=[c.id for c in chunks])
        _write_store(folder, store, chunks, key)
        return cls(store=store, key=key, built=True, n_chunks=len(chunks), missing=tuple(missing))

    def search(self, question: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        kwargs: dict[str, Any] = {}
        if filters is not None and filters.active:
            kwargs = {"filter": _metadata_filter(filters), "fetch_k": int(self.store.index.ntotal)}
        hits = self.store.similarity_search_with_score(question, k=k, **kwargs)
        return [to_passage(document, distance, rank) for rank, (document, distance) in enumerate(hits, start=1)]

    def ask(self, question: str, *, k: int | None = None, generator: str | None = None,
            filters: SearchFilters | None = None) -> Answer:
        """The recipe's answer: the top passage's first two sentences, cited `[1]`. `generator` is ignored."""
        started = time.perf_counter()
        passages = tuple(self.search(question, k or 10, filters))
        retrieved = time.perf_counter()
        sentences = first_sentences(passages[0].chunk.text) if passages else []
        citations = (Citation(n=1, passage=passages[0], quote=" ".join(sentences)),) if sentences else ()
        text = f"{' '.join(sentences)} [1]" if sentences else ""
        answer_sentences = tuple(AnswerSentence(text=s, citations=(1,), support=1.0, supported=True)
                                 for s in sentences)
        done = time.perf_counter()
        return Answer(question=question, text=text, citations=citations, passages=passages, abstained=False,
                      sentences=answer_sentences, support=1.0 if sentences else 0.0, writer=BASELINE_WRITER,
                      timings_ms={"retrieve_ms": (retrieved - started) * 1000,
                                  "generate_ms": (done - retrieved) * 1000, "total_ms": (done - started) * 1000})


def _metadata_filter(filters: SearchFilters) -> Any:
    def accepts(metadata: dict[str, Any]) -> bool:
        return ((not filters.jurisdictions or metadata.get("jurisdiction") in filters.jurisdictions)
                and (not filters.doc_ids or metadata.get("doc_id") in filters.doc_ids))
    return accepts


def _write_store(folder: Path, store: Any, chunks: list[Document], key: str) -> None:
    """Write beside the final folder, then rename: a reader never sees half a cache."""
    import faiss

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
    staging.mkdir()
    try:
        faiss.write_index(store.index, str(staging / "index.faiss"))
        ids = [store.index_to_docstore_id[i] for i in range(store.index.ntotal)]
        by_id = {c.id: c for c in chunks}
        records = [{"id": i, "page_content": by_id[i].page_content, "metadata": by_id[i].metadata} for i in ids]
        (staging / "documents.json").write_text(json.dumps(records, ensure_ascii=False, default=str),
                                                encoding="utf-8")
        meta = {"version": BASELINE_VERSION, "key": key, "chunks": len(ids), "chunk_size": CHUNK_SIZE,
                "chunk_overlap": CHUNK_OVERLAP}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        staging.rename(folder)
    except OSError:
        if folder.is_dir():  # another run cached the same corpus meanwhile: keep theirs
            shutil.rmtree(staging, ignore_errors=True)
            return
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _read_store(folder: Path, embeddings: Embeddings) -> Any:
    """The cached store, rebuilt from a FAISS index file and a JSON docstore (no pickle is loaded)."""
    import faiss

    _, vectorstores = _langchain_community()
    from langchain_community.docstore.in_memory import InMemoryDocstore

    records = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    index = faiss.read_index(str(folder / "index.faiss"))
    docstore = InMemoryDocstore({r["id"]: Document(page_content=r["page_content"], metadata=r["metadata"],
                                                   id=r["id"]) for r in records})
    return vectorstores.FAISS(embedding_function=embeddings, index=index, docstore=docstore,
                              index_to_docstore_id={i: r["id"] for i, r in enumerate(records)})
