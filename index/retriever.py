"""The searcher as a LangChain retriever, so LangChain chains and tools can use the policyqa index.

>>> retriever = IndexRetriever(searcher=Searcher.load(settings), k=5)  # doctest: +SKIP
>>> retriever.invoke("emotion recognition at work")[0].metadata["rank"]  # doctest: +SKIP
1
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, InstanceOf, field_validator

from index.models import SEARCH_MODES, SearchFilters
from index.search import Searcher


class IndexRetriever(BaseRetriever):
    """The `k` best chunks as `Document`s; metadata holds the chunk's fields plus `score` and `rank`."""

    searcher: InstanceOf[Searcher]
    k: int = Field(default=10, ge=1)
    mode: str = "hybrid"
    filters: InstanceOf[SearchFilters] | None = None

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: str) -> str:
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode '{mode}'; valid modes are: {', '.join(SEARCH_MODES)}")
        return mode

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        documents = []
        for passage in self.searcher.search(query, k=self.k, mode=self.mode, filters=self.filters):
            document = passage.chunk.to_langchain()
            document.metadata["score"] = passage.score
            document.metadata["rank"] = passage.rank
            documents.append(document)
        return documents
