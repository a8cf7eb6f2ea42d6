"""Retrieval backends: where chunks, vectors and lexical statistics live (base, factory, one module each)."""
