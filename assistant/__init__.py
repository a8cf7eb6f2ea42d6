"""Answer questions from the index: retrieve, rerank, answer, cite, evaluate."""
