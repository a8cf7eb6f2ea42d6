"""The one sentence splitter: abbreviations and initials before a number do not end a sentence, in the real
documents as in a model's reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat.reply import parse_reply
from assistant.text import sentences
from ingest.chunk import ChunkingParams
from ingest.manifest import load_manifest
from ingest.pipeline import ingest_document
from ingest.sentences import sentence_spans

REPO = Path(__file__).resolve().parents[2]


def split(text: str, semicolons: bool = True) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, semicolons=semicolons)]


@pytest.mark.parametrize("text, expected", [
    ("Under 50 U.S.C. 4501 et seq. the Secretary acts. Then it ends.",
     ["Under 50 U.S.C. 4501 et seq. the Secretary acts.", "Then it ends."]),
    ("See e.g. The Act. It ends.", ["See e.g. The Act.", "It ends."]),
    ("As in Sec. 4 and Art. 5 and No. 3 of Pub. L. 117-167. Next.",
     ["As in Sec. 4 and Art. 5 and No. 3 of Pub. L. 117-167.", "Next."]),
    ("The U.S. Government acts. It ends.", ["The U.S. Government acts.", "It ends."]),
    ("5. The provider shall inform the authority. It shall do so.",
     ["5. The provider shall inform the authority.", "It shall do so."]),
    ("listed in Annex I. The next one.", ["listed in Annex I.", "The next one."]),
    ("No. The Act bans it.", ["No.", "The Act bans it."]),
    ("the first; (b) the second.", ["the first;", "(b) the second."]),
    ("the Advancing American AI Act (Public Law 117–263, div. G, title LXXII). Next.",
     ["the Advancing American AI Act (Public Law 117–263, div. G, title LXXII).", "Next."]),
])
def test_sentences_end_at_full_stops_but_not_after_abbreviations(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_a_reply_splits_at_full_stops_only() -> None:
    assert split("It applies; it binds. Done.", semicolons=False) == ["It applies; it binds.", "Done."]
    replied, _ = parse_reply("The order cites 50 U.S.C. 4501 et seq. as its authority [1]. It binds agencies [2].", 2)
    assert [s.text for s in replied] == ["The order cites 50 U.S.C. 4501 et seq. as its authority.",
                                         "It binds agencies."]


def test_eo_14110_defense_production_act_citation_stays_in_its_sentence(shared_corpus: Path) -> None:
    (entry,) = [e for e in load_manifest(REPO / "corpus" / "sources.toml") if e.id == "us-eo-14110-2023"]
    doc = ingest_document(shared_corpus / entry.file, entry, ChunkingParams())
    cited = [c for c in doc.chunks if "50 U.S.C. 4501" in c.text]
    assert cited
    for chunk in cited:
        ended = [s for s in sentences(chunk.text) if s.endswith("U.S.C.")]
        assert not ended, ended
        assert any("U.S.C. 4501" in s for s in sentences(chunk.text))
    assert not any(c.text.startswith("4501") for c in doc.chunks)
