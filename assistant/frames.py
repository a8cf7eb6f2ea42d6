"""Frames for the crosswalk: small declarative TOML files (`corpus/frames/*.toml`) that list the items a text can
put into practice (the OECD AI Principles, the NIST AI RMF trustworthiness characteristics, a user's own).

>>> frame = load_frame(Path("corpus/frames/oecd-ai-principles.toml"))  # doctest: +SKIP
>>> frame.items[2].id, frame.items[2].label  # doctest: +SKIP
('1.3', 'Transparency and explainability')

A frame file:

    id = "oecd-ai-principles"                 # the name `--frame` takes (the file's stem must match)
    label = "OECD AI Principles"
    source = "oecd-ai-recommendation-2024"    # optional: the document the items are taken from
    [[item]]
    id = "1.3"
    label = "Transparency and explainability" # the source's heading
    sentence = "AI actors disclose ..."       # what the item asks, in a sentence: searched with the label
    terms = ["transparency", "explainability", "disclosure"]  # optional: a cited passage must use one of them
                                              # (without terms: half the label's distinctive words)
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FRAME_KEYS = ("id", "label", "source", "item")
ITEM_KEYS = ("id", "label", "sentence", "terms")
REQUIRED_ITEM_KEYS = ("id", "label", "sentence")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class FrameError(ValueError):
    """A frame file is missing, unreadable or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class FrameItem:
    id: str
    label: str
    sentence: str
    terms: tuple[str, ...] = ()  # words or phrases a passage on the item uses; none: the label's words

    @property
    def query(self) -> str:
        """What the crosswalk searches for the item: its label, then its sentence."""
        return f"{self.label}. {self.sentence}"


@dataclass(frozen=True)
class Frame:
    id: str
    label: str
    items: tuple[FrameItem, ...]
    source: str = ""
    fingerprint: str = ""  # sha256 of the file's bytes: a changed frame is a new crosswalk

    def item(self, item_id: str) -> FrameItem:
        found = next((i for i in self.items if i.id == item_id), None)
        if found is None:
            raise KeyError(f"frame {self.id!r} has no item {item_id!r}; its items are: "
                           f"{', '.join(i.id for i in self.items)}")
        return found


def load_frame(path: Path) -> Frame:
    """The frame in a TOML file; raises `FrameError` naming the file and what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError as exc:
        raise FrameError(f"{path}: frame file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameError(f"{path}: cannot read the frame: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise FrameError(f"{path}: not valid TOML: {exc}") from exc
    _check_keys(data, FRAME_KEYS, ("id", "label", "item"), str(path))
    if data["id"] != path.stem:
        raise FrameError(f"{path}: id {data['id']!r} must be the file's name without .toml ({path.stem!r})")
    tables = data["item"]
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise FrameError(f"{path}: 'item' must be a non-empty array of tables ([[item]])")
    items: list[FrameItem] = []
    for number, table in enumerate(tables, start=1):
        where = f"{path}: item #{number}"
        _check_keys(table, ITEM_KEYS, REQUIRED_ITEM_KEYS, where)
        if any(i.id == table["id"] for i in items):
            raise FrameError(f"{where}: duplicate id {table['id']!r}")
        terms = table.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise FrameError(f"{where}: 'terms' must be a list of words or phrases, got {terms!r}")
        items.append(FrameItem(table["id"], table["label"], table["sentence"], tuple(terms)))
    return Frame(data["id"], data["label"], tuple(items), data.get("source", ""), hashlib.sha256(raw).hexdigest())


def _check_keys(table: dict[str, Any], valid: tuple[str, ...], required: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(valid))
    if unknown:
        raise FrameError(f"{where}: unknown key(s) {', '.join(unknown)}; valid keys are: {', '.join(valid)}")
    for key in required:
        if key not in table:
            raise FrameError(f"{where}: missing key {key!r}")
    for key in ("id", "label", "sentence", "source"):
        value = table.get(key, "x")  # the array of items is checked by the caller
        if not isinstance(value, str) or not value.strip():
            raise FrameError(f"{where}: {key!r} must be a non-empty string, got {value!r}")
    if not _ID.match(table["id"]):
        raise FrameError(f"{where}: id {table['id']!r} may hold only letters, digits, '.', '_' and '-'")


def frames_dir_of(manifest_path: Path) -> Path:
    """Frames live beside the manifest: corpus/sources.toml, corpus/frames/."""
    return Path(manifest_path).parent / "frames"


def frame_paths(frames_dir: Path) -> dict[str, Path]:
    """The frames of a folder, by name (file stem), in name order."""
    return {p.stem: p for p in sorted(Path(frames_dir).glob("*.toml"))}


def find_frame(name: str, frames_dir: Path) -> Frame:
    """The frame called `name` in `frames_dir`, or the frame file `name` points to (a path ending in .toml)."""
    if name.endswith(".toml"):
        return load_frame(Path(name))
    paths = frame_paths(frames_dir)
    if name not in paths:
        raise FrameError(f"no frame {name!r} in {frames_dir}; valid frames are: {', '.join(paths) or '(none)'}")
    return load_frame(paths[name])
