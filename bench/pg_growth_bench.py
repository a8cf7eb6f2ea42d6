"""Growth curves of the retrieval backends: build throughput, query latency p50/p95, disk and memory as the
index grows, for FAISS flat, FAISS HNSW and PostgreSQL + pgvector; then 8 parallel searchers against Postgres.

Run from the repository root, with a built index in --data-dir (its chunks and vectors seed the synthetic ones):
    .venv/bin/python bench/pg_growth_bench.py [--sizes 10000,100000] [--pg-dsn DSN] [--queries 100]

Synthetic chunk n copies real chunk n mod N with a tenth of its words dropped and its vector plus Gaussian noise
(renormalised; cosine to the original about 0.93), so that lexical statistics and the geometry of the vectors
stay those of the corpus. The build goes through each backend's own build path (begin, replace_document per
document, commit) with the vectors given: embedding, which costs the same whatever the backend (~27 chunks/s
on two cores), is left out. Queries are the shipped eval set's questions, embedded once; a query is a whole
`Searcher.search` (dense, lexical, fusion), warm. Without --pg-dsn a throwaway server is started
(tests/pg_server.py); sizes above --pg-max-size skip Postgres. Figures go to stdout (Markdown), to
bench/out/pg_growth.json, the table to bench/out/pg_growth.md and the curves (latency, build throughput, disk and
memory against size) to bench/out/pg_growth.png. Each figure carries the 1-minute load average at the end of its
build and of its queries, since other processes may share the cores. Memory stays in check at 1 M chunks
(~1.5 GB of vectors, the chunks' text twice: made and read back): noise is drawn in blocks, and each backend's
index is freed before the next is built.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from bench_paths import EVAL_SET, REPO

from assistant.evaluation.metrics import percentile
from index.backends.base import RetrievalBackend
from index.backends.factory import open_backend
from index.embed import Embedder
from index.layout import SCHEMA_VERSION, DocumentRecord, IndexManifest
from index.search import Searcher
from ingest.models import Chunk
from ingest.settings import Settings

OUT = REPO / "bench" / "out"
NOISE = 0.02  # per dimension: |noise| ≈ 0.39 for 384 dimensions
NOISE_BLOCK = 50_000
DOC_SIZE = 100  # synthetic chunks per synthetic document
PARALLEL = 8
PARALLEL_SECONDS = 20.0


@dataclass
class Point:
    backend: str
    size: int
    build_s: float
    build_chunks_per_s: float
    p50_ms: float
    p95_ms: float
    disk_mb: float
    rss_mb: float
    load_build: float  # the 1-minute load average when the build ended: other processes share the cores
    load_query: float  # and when the queries ended


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def peak_rss_mb() -> float:
    """This process's largest resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def synthetic(chunks: list[Chunk], vectors: np.ndarray, size: int,
              seed: int = 0) -> tuple[dict[str, list[Chunk]], np.ndarray]:
    """`size` chunks in documents of DOC_SIZE, made from the real ones; their vectors in document order."""
    rng = np.random.default_rng(seed)
    made: list[Chunk] = []
    for n in range(size):
        base = chunks[n % len(chunks)]
        copy = n // len(chunks)
        words = base.text.split()
        kept = [w for w, keep in zip(words, rng.random(len(words)) > 0.1) if keep] or words
        made.append(replace(base, chunk_id=f"{base.chunk_id}~{copy}", doc_id=f"synthetic-{n // DOC_SIZE:06d}",
                            text=" ".join(kept)))
    noisy = np.empty((size, vectors.shape[1]), dtype=np.float32)
    for start in range(0, size, NOISE_BLOCK):  # in blocks: at 1 M chunks a float64 noise matrix alone is 3 GB
        rows = np.arange(start, min(start + NOISE_BLOCK, size))
        block = vectors[rows % len(chunks)] + rng.normal(0, NOISE, (len(rows), vectors.shape[1])).astype(np.float32)
        noisy[rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
    docs: dict[str, list[Chunk]] = {}
    for chunk in made:
        docs.setdefault(chunk.doc_id, []).append(chunk)
    return docs, noisy


def manifest_of(docs: dict[str, list[Chunk]], store: str) -> IndexManifest:
    records = {d: DocumentRecord(file=f"{d}.txt", sha256=d, chunk_ids=tuple(c.chunk_id for c in chunks), entry={})
               for d, chunks in docs.items()}
    return IndexManifest(schema_version=SCHEMA_VERSION, model_id="synthetic", model_fingerprint="synthetic",
                         dimension=384, vector_store=store, build_params={}, documents=records, built_at="")


def build(backend: RetrievalBackend, docs: dict[str, list[Chunk]], vectors: np.ndarray, store: str) -> float:
    started = time.perf_counter()
    with backend.build_lock():
        backend.begin(full=True, dimension=vectors.shape[1])
        start = 0
        for doc_id in sorted(docs):  # the vectors are in the order synthetic() made the documents: sorted ids
            chunks = docs[doc_id]
            backend.replace_document(doc_id, manifest_of({doc_id: chunks}, store).documents[doc_id], chunks,
                                     vectors[start:start + len(chunks)])
            start += len(chunks)
        backend.commit(manifest_of(docs, store))
    return time.perf_counter() - started


def disk_mb(settings: Settings, backend: RetrievalBackend) -> float:
    if settings.vector_store == "pgvector":
        import psycopg

        with psycopg.connect(settings.pg_dsn) as connection:
            row = connection.execute("SELECT pg_total_relation_size('policyqa_chunks')").fetchone()
        return float(row[0]) / 2**20 if row else 0.0
    version_dir = backend.version_dir  # type: ignore[attr-defined]
    return sum(p.stat().st_size for p in version_dir.rglob("*") if p.is_file()) / 2**20


def latencies_ms(searcher: Searcher, questions: list[str], vectors: np.ndarray) -> list[float]:
    for question, vector in zip(questions[:5], vectors):  # warm: first reads, caches, connection
        searcher.search(question, k=10, query_vector=vector)
    times = []
    for question, vector in zip(questions, vectors):
        started = time.perf_counter()
        searcher.search(question, k=10, query_vector=vector)
        times.append((time.perf_counter() - started) * 1000)
    return times


def parallel_qps(settings: Settings, questions: list[str], vectors: np.ndarray, threads: int) -> float:
    """Hybrid backend queries (dense + lexical, as `Searcher.search` asks them) per second, `threads` clients
    each with its own connection, for PARALLEL_SECONDS."""
    done = [0] * threads
    stop = time.monotonic() + PARALLEL_SECONDS

    def client(slot: int) -> None:
        backend = open_backend(settings)
        n = slot
        while time.monotonic() < stop:
            backend.dense(vectors[n % len(vectors)], 100, None)
            backend.lexical(questions[n % len(questions)], 100, None)
            done[slot] += 1
            n += threads

    workers = [threading.Thread(target=client, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / PARALLEL_SECONDS


def plot(points: list[Point], path: Path) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(14, 4), dpi=100, layout="constrained")
    latency, throughput, space = figure.subplots(1, 3)
    for name in dict.fromkeys(p.backend for p in points):
        mine = sorted((p for p in points if p.backend == name), key=lambda p: p.size)
        sizes = [p.size for p in mine]
        latency.plot(sizes, [p.p50_ms for p in mine], marker="o", label=f"{name} p50")
        latency.plot(sizes, [p.p95_ms for p in mine], marker="x", linestyle="--", label=f"{name} p95")
        throughput.plot(sizes, [p.build_chunks_per_s for p in mine], marker="o", label=name)
        space.plot(sizes, [p.disk_mb for p in mine], marker="o", label=f"{name} disk")
        space.plot(sizes, [max(p.rss_mb, 1.0) for p in mine], marker="x", linestyle="--",
                   label=f"{name} client memory")
    for axes, title, unit in ((latency, "hybrid query latency", "ms"),
                              (throughput, "build throughput (embedding excluded)", "chunks/s"),
                              (space, "disk and client memory", "MB")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("chunks")
        axes.set_ylabel(unit)
        axes.set_title(title)
        axes.legend(fontsize=7)
    figure.savefig(path)


def table(points: list[Point], qps: dict[str, float]) -> str:
    """The figures as the README quotes them (Markdown)."""
    header = ("| backend | chunks | build s | chunks/s | query p50 ms | p95 ms | disk MB | client memory MB | "
              "load (build/query) |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {p.backend} | {p.size:,d} | {p.build_s} | {p.build_chunks_per_s:,d} | {p.p50_ms} | {p.p95_ms} | "
              f"{p.disk_mb} | {p.rss_mb} | {p.load_build} / {p.load_query} |" for p in points]
    lines += [""] if qps else []
    lines += [f"Postgres, {key.split('/')[1]} parallel searcher(s) at {int(key.split('/')[0]):,d} chunks: "
              f"{value} queries/s  " for key, value in qps.items()]  # two spaces: a Markdown line break
    return "\n".join(lines) + "\n"


def save(points: list[Point], qps: dict[str, float]) -> None:
    """Write the figures so far (after every point: a run of an hour keeps what it measured if it dies)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "pg_growth.json").write_text(json.dumps({"points": [p.__dict__ for p in points], "qps": qps}, indent=2))
    (OUT / "pg_growth.md").write_text(table(points, qps), encoding="utf-8")
    plot(points, OUT / "pg_growth.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / ".policyqa")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="flat,hnsw,pgvector")
    parser.add_argument("--pg-dsn", default="")
    parser.add_argument("--pg-max-size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    source = Searcher.load(Settings(data_dir=args.data_dir))
    chunks = source.chunks
    vectors = source.backend.vectors([c.chunk_id for c in chunks])
    embedder: Embedder = source.embedder
    questions = [json.loads(line)["question"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
                 if line.strip()][:args.queries]
    query_vectors = embedder.encode(questions)
    print(f"Growth benchmark: {len(chunks)} real chunks seed the synthetic ones; {len(questions)} queries\n")

    points: list[Point] = []
    qps: dict[str, float] = {}
    with ExitStack() as stack:
        dsn = args.pg_dsn
        if not dsn and "pgvector" in args.backends:
            from tests.pg_server import throwaway_server

            dsn = stack.enter_context(throwaway_server(("shared_buffers=1GB", "maintenance_work_mem=1GB",
                                                        "max_parallel_maintenance_workers=1")))
        for size in (int(s) for s in args.sizes.split(",")):
            docs, synthetic_vectors = synthetic(chunks, vectors, size)
            for name in args.backends.split(","):
                if name == "pgvector" and size > args.pg_max_size:
                    continue
                root = Path(tempfile.mkdtemp(prefix="growth-"))
                settings = Settings(data_dir=root, vector_store=name, pg_dsn=dsn if name == "pgvector" else "")
                before = rss_mb()
                seconds = build(open_backend(settings), docs, synthetic_vectors, name)
                load_build = load_average()
                backend = open_backend(settings)
                searcher = Searcher(backend, backend.manifest(), backend.chunks(), embedder)
                times = latencies_ms(searcher, questions, query_vectors)
                point = Point(name, size, round(seconds, 1), round(size / seconds), round(statistics.median(times), 1),
                              round(percentile(times, 95) or 0.0, 1), round(disk_mb(settings, backend), 1),
                              round(rss_mb() - before, 1), load_build, load_average())
                points.append(point)
                print(f"{name:9s} {size:>9,d} chunks: build {point.build_s} s ({point.build_chunks_per_s} chunks/s), "
                      f"query p50 {point.p50_ms} ms p95 {point.p95_ms} ms, disk {point.disk_mb} MB, "
                      f"client memory +{point.rss_mb} MB, load average {point.load_build} (build) "
                      f"{point.load_query} (queries)", flush=True)
                if name == "pgvector":
                    for threads in (1, PARALLEL):
                        qps[f"{size}/{threads}"] = round(parallel_qps(settings, questions, query_vectors, threads), 1)
                    print(f"          pgvector {size:,d}: {qps[f'{size}/1']} queries/s with 1 client, "
                          f"{qps[f'{size}/{PARALLEL}']} with {PARALLEL} (dense + lexical, depth 100)", flush=True)
                save(points, qps)
                del searcher, backend
                gc.collect()  # the next backend's build starts without this one's index in memory
                shutil.rmtree(root, ignore_errors=True)
            del docs, synthetic_vectors
            gc.collect()

    print("\n" + table(points, qps))
    print(f"peak memory of this process: {peak_rss_mb():,.0f} MB")
    print(f"table: {OUT / 'pg_growth.md'}; curves: {OUT / 'pg_growth.png'}")


if __name__ == "__main__":
    main()
