"""Embed chunks and search them: FAISS dense vectors, BM25, and their fusion, persisted and rebuilt incrementally."""
