"""What changed between two versions of a submission: pure, no Django.

A reviewer opening a resubmission wants to look only at what the employer
changed. Two manifests (the files of version N and N+1) are compared by path:

* added — a path only in the new version;
* removed — a path only in the old version;
* changed — the same path with a different CRC-32 or size (a new scan, an
  edited document);
* moved — a file whose bytes (CRC and size) left one path and appeared at
  another, e.g. a document put into the right element folder. Counted once,
  rather than as one removal and one addition.

Paths are compared case-insensitively, as the inspection refuses names equal
but for case. Folders are ignored: a folder appears or disappears with its
files. Every change is grouped by element (None: outside any element folder,
e.g. the evaluation tool at the top), elements in number order.

`note_answers` says which actionable notes of the previous version were
answered before the resubmission, and which were not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    MOVED = "moved"


@dataclass(frozen=True)
class FileFacts:
    """One manifest entry, as the comparison needs it."""

    path: str
    size: int
    crc: int
    element_number: int | None = None
    is_dir: bool = False


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    path: str
    element_number: int | None
    size: int
    # For changed: the old size; for moved: the old path and its element.
    old_size: int | None = None
    old_path: str = ""
    old_element_number: int | None = None


@dataclass(frozen=True)
class ElementChanges:
    element_number: int | None
    changes: tuple[Change, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind is kind)


@dataclass(frozen=True)
class ManifestDiff:
    elements: tuple[ElementChanges, ...]
    unchanged: int
    totals: dict[ChangeKind, int] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return any(self.totals.values())


def _files(entries: Iterable[FileFacts]) -> dict[str, FileFacts]:
    files = {}
    for entry in entries:
        if entry.is_dir:
            continue
        files.setdefault(entry.path.casefold(), entry)
    return files


def _element_key(number: int | None) -> tuple[int, int]:
    # Files outside any element (the evaluation tool) first, then elements by number.
    return (0, 0) if number is None else (1, number)


_ORDER = {ChangeKind.CHANGED: 0, ChangeKind.ADDED: 1, ChangeKind.MOVED: 2, ChangeKind.REMOVED: 3}


def diff_manifests(old: Iterable[FileFacts], new: Iterable[FileFacts]) -> ManifestDiff:
    """Files added, removed, changed (CRC or size) and moved between two versions."""
    before, after = _files(old), _files(new)
    changes: list[Change] = []
    unchanged = 0
    for key, entry in after.items():
        previous = before.get(key)
        if previous is None:
            continue
        if previous.crc == entry.crc and previous.size == entry.size:
            unchanged += 1
        else:
            changes.append(
                Change(
                    ChangeKind.CHANGED,
                    entry.path,
                    entry.element_number,
                    entry.size,
                    old_size=previous.size,
                )
            )
    removed = [e for k, e in before.items() if k not in after]
    added = [e for k, e in after.items() if k not in before]
    # The same bytes under a new path: a move, matched oldest path first.
    gone: dict[tuple[int, int], list[FileFacts]] = {}
    for entry in sorted(removed, key=lambda e: e.path):
        gone.setdefault((entry.crc, entry.size), []).append(entry)
    moved_from: set[str] = set()
    for entry in sorted(added, key=lambda e: e.path):
        candidates = gone.get((entry.crc, entry.size))
        if entry.size > 0 and candidates:
            source = candidates.pop(0)
            moved_from.add(source.path)
            changes.append(
                Change(
                    ChangeKind.MOVED,
                    entry.path,
                    entry.element_number,
                    entry.size,
                    old_path=source.path,
                    old_element_number=source.element_number,
                )
            )
        else:
            changes.append(Change(ChangeKind.ADDED, entry.path, entry.element_number, entry.size))
    for entry in removed:
        if entry.path not in moved_from:
            changes.append(Change(ChangeKind.REMOVED, entry.path, entry.element_number, entry.size))
    grouped: dict[int | None, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.element_number, []).append(change)
    elements = tuple(
        ElementChanges(
            number,
            tuple(sorted(grouped[number], key=lambda c: (_ORDER[c.kind], c.path.casefold()))),
        )
        for number in sorted(grouped, key=_element_key)
    )
    totals = {kind: sum(1 for c in changes if c.kind is kind) for kind in ChangeKind}
    return ManifestDiff(elements=elements, unchanged=unchanged, totals=totals)


@dataclass(frozen=True)
class NoteFacts:
    id: int
    actionable: bool
    answered: bool
    element_number: int | None = None


@dataclass(frozen=True)
class NoteAnswers:
    answered: tuple[int, ...]
    unanswered: tuple[int, ...]

    @property
    def all_answered(self) -> bool:
        return not self.unanswered


def note_answers(notes: Iterable[NoteFacts]) -> NoteAnswers:
    """The previous version's actionable notes: answered, and still unanswered (by id)."""
    actionable = [n for n in notes if n.actionable]
    return NoteAnswers(
        answered=tuple(n.id for n in actionable if n.answered),
        unanswered=tuple(n.id for n in actionable if not n.answered),
    )
