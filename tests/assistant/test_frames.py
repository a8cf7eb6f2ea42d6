"""The shipped frames (OECD AI Principles, NIST AI RMF trustworthiness characteristics) load, their labels are the
source texts' own, and a malformed frame file fails with a message naming the file and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.frames import FrameError, find_frame, frame_paths, frames_dir_of, load_frame
from ingest.loaders import load_document
from ingest.manifest import load_manifest

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "corpus" / "sources.toml"
FRAMES = frames_dir_of(MANIFEST)


def _flat(text: str) -> str:
    """Lowercase, dashes as spaces, whitespace collapsed: a heading wrapped over lines reads as one line."""
    return " ".join(re.sub(r"[-–—]", " ", text).split()).lower()


def _document_text(shared_corpus: Path, doc_id: str) -> str:
    entry = next(e for e in load_manifest(MANIFEST) if e.id == doc_id)
    return _flat(" ".join(p.text for p in load_document(shared_corpus / entry.file, entry).pages))


def test_the_two_shipped_frames_are_found_by_name() -> None:
    assert set(frame_paths(FRAMES)) == {"oecd-ai-principles", "nist-ai-rmf-trustworthiness"}
    oecd = find_frame("oecd-ai-principles", FRAMES)
    assert [i.id for i in oecd.items] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5"]
    assert len(find_frame("nist-ai-rmf-trustworthiness", FRAMES).items) == 7
    assert all(item.sentence and item.label in item.query and item.terms for item in oecd.items)


@pytest.mark.parametrize("frame_name", ["oecd-ai-principles", "nist-ai-rmf-trustworthiness"])
def test_every_label_is_the_source_texts_own_heading(shared_corpus: Path, frame_name: str) -> None:
    frame = find_frame(frame_name, FRAMES)
    text = _document_text(shared_corpus, frame.source)
    for item in frame.items:
        assert _flat(item.label) in text, (frame_name, item.id, item.label)


def test_a_changed_frame_file_has_another_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('id = "mine"\nlabel = "Mine"\n[[item]]\nid = "a"\nlabel = "Logs"\nsentence = "Keep logs."\n')
    first = load_frame(path)
    path.write_text(path.read_text().replace("Keep logs.", "Keep logs for five years."))
    assert load_frame(path).fingerprint != first.fingerprint
    assert find_frame(str(path), FRAMES).items[0].sentence == "Keep logs for five years."


@pytest.mark.parametrize(("text", "message"), [
    ('id = "bad"\nlabel = "B"\ncolour = 1\n[[item]]\nid = "a"\nlabel = "L"\nsentence = "S"\n',
     "unknown key\\(s\\) colour; valid keys are: id, label, source, item"),
    ('id = "other"\nlabel = "B"\n[[item]]\nid = "a"\nlabel = "L"\nsentence = "S"\n', "must be the file's name"),
    ('id = "bad"\nlabel = "B"\n[[item]]\nid = "a"\nlabel = "L"\n', "item #1: missing key 'sentence'"),
    (('id = "bad"\nlabel = "B"\n[[item]]\nid = "a"\nlabel = "L"\nsentence = "S"\n[[item]]\nid = "a"\nlabel = "M"\n'
      'sentence = "T"\n'), "item #2: duplicate id 'a'"),
    ('id = "bad"\nlabel = "B"\n', "missing key 'item'"),
    ('id = "bad"\nlabel = "B"\n[[item]]\nid = "a"\nlabel = "L"\nsentence = "S"\nterms = "logs"\n',
     "item #1: 'terms' must be a list of words or phrases"),
    ('id = "bad"\nlabel = [', "not valid TOML"),
])
def test_a_malformed_frame_names_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(FrameError, match=message) as caught:
        load_frame(path)
    assert str(path) in str(caught.value)


def test_an_unknown_frame_lists_the_valid_ones() -> None:
    with pytest.raises(FrameError, match="valid frames are: nist-ai-rmf-trustworthiness, oecd-ai-principles"):
        find_frame("unesco", FRAMES)
