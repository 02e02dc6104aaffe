"""Safe inspection of an uploaded zip: safety first, then structure.

Used by the inspection task, the reviewer's previews and ``manage.py
check_evaluation``, so a zip checked by hand is judged exactly as the upload
will be. Pure: a seekable binary file in, an ``InspectionResult`` out; no ORM
except ``spec_for_tool``, which reads an audit tool's elements.

How it stays safe and bounded
-----------------------------
* The central directory is sized and counted before ``zipfile`` parses it, so
  a directory of millions of records is refused without building them.
* The layout is checked before anything is inflated: every entry's local
  header is read and its data must end before the next entry (or the central
  directory) starts, and no two records may share a local header. Python
  3.11's ``zipfile`` checks neither, so an "overlap bomb" would otherwise read
  one compressed block hundreds of times.
* Entries are then read once, in file order, in 64 KiB chunks. ``zipfile``
  parses the directory, but entry data is inflated here with ``zlib``:
  ``ZipExtFile`` stops at the size the header declares, which would hide a
  header lying about its size from us while a desktop unzip inflated it all.
  Limits (total, per entry, ratio) are checked on the bytes actually inflated,
  never on header sizes. Only Stored and Deflate are accepted: they are what
  Windows, macOS and 7-Zip write by default and all a reviewer's computer can
  be relied on to open.
* Names are decoded as ``zipfile`` does (UTF-8 when flag 0x800 is set, CP437
  otherwise); an Info-ZIP Unicode Path field (0x7075) whose checksum matches
  the raw name gives the display name.

Structure (see ``StructureSpec``)
---------------------------------
``__MACOSX/``, ``.DS_Store``, ``Thumbs.db`` and ``desktop.ini`` are ignored.
One wrapping top-level folder (``My company/01 - …/``) is stripped from the
display paths, unless that folder is itself an element's folder. Each
top-level folder is matched to an element by its number in any usual style
("01 - Name", "1. Name", "Element 1", "Element 01 – Name", "E01", "Section 3",
"Supplemental 2") or, without a number, by the element's name.

The evaluation tool document is a PDF, Word, Excel or OpenDocument file at the
top level whose name contains "tool", "evaluation", "audit" or "outil" (any
case, accents ignored) — or any such document inside a top-level folder whose
own name says so ("00 - Audit tool/"). ACSA asks for "the evaluation tool …
as its own document"; a zip without one gets a warning, not a refusal, since
the name is only a hint.

Errors refuse the upload: every safety problem and a missing element folder.
Everything else is a warning the employer sees before sending.
"""

from __future__ import annotations

import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_MAX_DOCUMENTS_PER_FOLDER",
    "EntryReadError",
    "ExpectedElement",
    "InspectionResult",
    "Limits",
    "ManifestEntry",
    "Problem",
    "ProblemCode",
    "StructureSpec",
    "element_for_folder",
    "inspect",
    "iter_entry",
    "spec_for_tool",
]

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
CHUNK_SIZE = 64 * KiB

# ACSA: a sample is "one or two documents per month for the year, or one or
# two documents per week for the busiest three months" — about 25 per
# question that asks for one. An element folder past 100 documents is almost
# certainly "more than asked", which may get the submission returned.
DEFAULT_MAX_DOCUMENTS_PER_FOLDER = 100

# One problem of a kind per entry, up to this many; then one summary line, so
# a zip of 10,000 bad entries gives a readable list.
MAX_PROBLEMS_PER_CODE = 25


# --- the interface ---------------------------------------------------------


@dataclass(frozen=True)
class ExpectedElement:
    number: int
    name: str
    supplemental: bool = False


@dataclass(frozen=True)
class StructureSpec:
    """What a submission kind's zip must contain.

    ``required_documents`` items are a name (one document needed) or a
    ``(name, count)`` pair; a name may list alternatives separated by ``|``
    ("Safe Work Practice|SWP"). A document counts when its path (folders and
    file name, case and accents ignored) contains the name at a word start.
    """

    elements: tuple[ExpectedElement, ...] = ()
    require_tool_document: bool = True
    required_documents: tuple[str | tuple[str, int], ...] = ()
    max_documents_per_folder: int | None = None


@dataclass(frozen=True)
class Limits:
    max_entries: int = 10_000
    max_inflated_bytes: int = 2 * GiB
    max_ratio: int = 100
    ratio_floor_bytes: int = 100 * KiB
    max_entry_bytes: int | None = None
    # zipfile reads the whole central directory into memory: bound it.
    max_directory_bytes: int = 16 * MiB


class ProblemCode(StrEnum):
    NOT_A_ZIP = "not_a_zip"
    TRUNCATED = "truncated"
    ENCRYPTED = "encrypted"
    SYMLINK = "symlink"
    PATH_TRAVERSAL = "path_traversal"
    OVERLAPPING_ENTRIES = "overlapping_entries"
    NESTED_ARCHIVE = "nested_archive"
    EXECUTABLE = "executable"
    TOO_MANY_ENTRIES = "too_many_entries"
    TOO_LARGE = "too_large"
    COMPRESSION_RATIO = "compression_ratio"
    CRC_MISMATCH = "crc_mismatch"
    DUPLICATE_NAME = "duplicate_name"
    MISSING_ELEMENT_FOLDER = "missing_element_folder"
    EMPTY_ELEMENT_FOLDER = "empty_element_folder"
    UNEXPECTED_FOLDER = "unexpected_folder"
    MISSING_TOOL_DOCUMENT = "missing_tool_document"
    MISSING_DOCUMENT = "missing_document"
    TOO_MANY_DOCUMENTS = "too_many_documents"
    # Added beyond the first list (only ever added to):
    SIZE_MISMATCH = "size_mismatch"  # data inflates to another size than declared
    HEADER_MISMATCH = "header_mismatch"  # local header disagrees with the directory
    UNSUPPORTED_COMPRESSION = "unsupported_compression"
    INVALID_NAME = "invalid_name"  # NUL/control characters, undecodable names
    EMPTY_ARCHIVE = "empty_archive"
    DUPLICATE_ELEMENT_FOLDER = "duplicate_element_folder"
    UNFILED_DOCUMENT = "unfiled_document"  # a document outside any element folder


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding. ``entry`` is the entry's name as in the zip for safety
    problems (the employer finds it there), the display path of a folder for
    structure problems, or empty for the zip as a whole. ``message`` is
    rendered in the language active during the inspection."""

    code: ProblemCode
    message: str
    entry: str = ""
    severity: Severity = "error"


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # display path, wrapper folder stripped, "/"-separated, no trailing "/"
    original_name: str  # the name as zipfile decodes it
    size: int  # inflated bytes, counted while reading
    compressed_size: int
    crc: int
    header_offset: int
    element_number: int | None
    is_dir: bool


@dataclass(frozen=True)
class InspectionResult:
    valid: bool
    problems: list[Problem]
    entries: list[ManifestEntry]
    inflated_bytes: int

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class EntryReadError(Exception):
    """Reading one entry failed (``iter_entry``); ``code`` says why."""

    def __init__(self, code: ProblemCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- file types ------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARCHIVE_EXTENSIONS = _words(
    ".zip .zipx .7z .rar .tar .gz .tgz .bz2 .tbz .tbz2 .xz .txz .zst .lz .lzma .lzh .lha "
    ".cab .arj .ace .z .iso .img .dmg .vhd .vhdx .wim .sit .sitx"
)
EXECUTABLE_EXTENSIONS = _words(
    ".exe .bat .cmd .com .msi .msp .msix .appx .ps1 .psm1 .psd1 .sh .bash .zsh .csh .ksh "
    ".js .jse .mjs .vbs .vbe .wsf .wsh .wsc .hta .jar .scr .dll .sys .drv .cpl .ocx .pif "
    ".lnk .reg .inf .application .gadget .apk .app .deb .rpm .so .dylib .elf .bin .run "
    ".py .pyc .pyw .pl .rb .php .command .action .workflow"
)
# Office Open XML and OpenDocument files are zips inside: not nested archives.
ZIP_BASED_DOCUMENTS = _words(
    ".docx .xlsx .pptx .docm .xlsm .pptm .dotx .xltx .potx .odt .ods .odp .odg .epub "
    ".vsdx .pages .numbers .key"
)
TOOL_DOCUMENT_EXTENSIONS = _words(".pdf .doc .docx .docm .xls .xlsx .xlsm .odt .ods .rtf")
_TOOL_WORDS = ("tool", "evaluation", "audit", "outil", "verification")

_IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})

_ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x1f\x8b\x08",  # gzip, deflate
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF\x00\x00\x00\x00",  # cabinet
)
_EXECUTABLE_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
)
_HEAD_BYTES = 4 * KiB  # enough for tar's "ustar" at 257 and a PE header offset


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _content_kind(head: bytes) -> Literal["archive", "executable", ""]:
    if head.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    if head.startswith(b"MZ") and len(head) >= 64:
        # A Windows program: the DOS header points at a "PE\0\0" (or NE/LE)
        # header. Plain "MZ…" text (a company called MZ Ltd.) does not.
        (pe,) = struct.unpack_from("<L", head, 0x3C)
        if pe + 4 <= len(head) and head[pe : pe + 2] in (b"PE", b"NE", b"LE", b"LX"):
            return "executable"
    if head.startswith(b"#!") and head[2:3] in (b"/", b" "):
        return "executable"
    if head.startswith(_ARCHIVE_MAGIC):
        return "archive"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "archive"
    if head[257:262] == b"ustar":
        return "archive"
    return ""


# --- names -----------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    name = info.orig_filename
    if name.isascii():  # most names; the cp437 codec is slow enough to show in the bench
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _unicode_path_extra(info: zipfile.ZipInfo) -> str | None:
    """The Info-ZIP Unicode Path (0x7075) name, when its checksum matches the raw name."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4 : i + 4 + size]
        i += 4 + size
        if tag == 0x7075 and len(body) >= 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<L", body, 1)
            if crc == zlib.crc32(_raw_name(info)):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def _name_problem(name: str) -> tuple[ProblemCode, str] | None:
    if not name.strip("/"):
        return ProblemCode.INVALID_NAME, _(
            "An entry of the zip has no name. Create the zip again from the original folder."
        )
    if _CONTROL.search(name):
        return ProblemCode.INVALID_NAME, _(
            "“%(name)s” has control characters in its name. Rename it and zip the folder again."
        ) % {"name": _CONTROL.sub("?", name)}
    if "\\" in name:
        return ProblemCode.PATH_TRAVERSAL, _(
            "“%(name)s” uses backslashes in its path, which some computers would unpack "
            "outside the folder. Zip the folder with Windows’ “Send to → Compressed (zipped) "
            "folder”, macOS’ “Compress” or 7-Zip."
        ) % {"name": name}
    if name.startswith("/") or _DRIVE.match(name):
        return ProblemCode.PATH_TRAVERSAL, _(
            "“%(name)s” has an absolute path (it starts at the root of a disk). "
            "Zip the folder itself, not files picked by their full path."
        ) % {"name": name}
    if ".." in name.split("/"):
        return ProblemCode.PATH_TRAVERSAL, _(
            "“%(name)s” points outside the zip (“..” in its path). "
            "Rename it and zip the folder again."
        ) % {"name": name}
    return None


def _normalise(text: str) -> str:
    """Case-, accent- and punctuation-blind form for matching names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _name_key(name: str) -> str:
    """The form under which two names clash on Windows and macOS."""
    return unicodedata.normalize("NFC", name.rstrip("/")).casefold()


def _is_dir(info: zipfile.ZipInfo) -> bool:
    # ZipInfo.is_dir() fails on an empty name (one that starts with a NUL byte).
    return info.filename.endswith("/")


def _is_ignored(name: str) -> bool:
    parts = name.rstrip("/").split("/")
    return "__MACOSX" in parts or parts[-1].lower() in _IGNORED_NAMES


# --- element folders -------------------------------------------------------

_NUM = r"0*(\d{1,3})(?!\d)"
_AFTER = r"(?=$|[\s\-–—.:)_,;(\]])"
_SUPPLEMENTAL_NUMBERED = re.compile(
    r"^\s*(?:supplemental|supplementary|supp|ss)\.?\s*(?:section|sec|element)?\.?\s*[#№]?\s*"
    + _NUM
    + _AFTER,
    re.IGNORECASE,
)
_WORD_NUMBERED = re.compile(
    r"^\s*(?:elements?|[ée]l[ée]ments?|elem|el|e|sections?|sect|sec|s|part|partie)\.?\s*"
    r"[#№]?\s*[-_]?\s*" + _NUM + _AFTER,
    re.IGNORECASE,
)
_LEADING_NUMBER = re.compile(r"^\s*[#№]?\s*" + _NUM + _AFTER, re.IGNORECASE)
_WORD_NUMBERED_ANYWHERE = re.compile(
    r"\b(?:elements?|[ée]l[ée]ments?|sections?)\s*[#№]?\s*" + _NUM + _AFTER, re.IGNORECASE
)


def element_for_folder(name: str, elements: tuple[ExpectedElement, ...]) -> int | None:
    """The element number a top-level folder name stands for, if any.

    Supplemental elements (numbered 101, 102… in the seeded tools) answer to
    "Supplemental 1", to their own number and to the number that follows the
    last core element ("14 - Harassment" after 13 sections).
    """
    numbers = {e.number for e in elements}
    core = sorted(e.number for e in elements if not e.supplemental)
    supplemental = sorted(e.number for e in elements if e.supplemental)

    def by_position(n: int) -> int | None:
        if n in numbers:
            return n
        last_core = core[-1] if core else 0
        if supplemental and last_core < n <= last_core + len(supplemental):
            return supplemental[n - last_core - 1]
        return None

    m = _SUPPLEMENTAL_NUMBERED.match(name)
    if m:
        n = int(m.group(1))
        if 1 <= n <= len(supplemental):
            return supplemental[n - 1]
        return n if n in numbers else None
    for pattern in (_WORD_NUMBERED, _LEADING_NUMBER, _WORD_NUMBERED_ANYWHERE):
        m = pattern.match(name) if pattern is not _WORD_NUMBERED_ANYWHERE else pattern.search(name)
        if m:
            return by_position(int(m.group(1)))
    wanted = _normalise(name)
    if wanted:
        for e in elements:
            if _normalise(e.name) == wanted:
                return e.number
        # "Hazard identification" for "Hazard identification and assessment":
        # a start of exactly one element's name, two words at least.
        if " " in wanted:
            starts = [e.number for e in elements if _normalise(e.name).startswith(wanted + " ")]
            if len(starts) == 1:
                return starts[0]
    return None


def _looks_like_tool(name: str) -> bool:
    compact = _normalise(name).replace(" ", "")
    return any(word in compact for word in _TOOL_WORDS)


# --- reading entries -------------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CENTRAL_SIGNATURE = b"PK\x01\x02"


class _Refusal(Exception):
    def __init__(self, code: ProblemCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Facts:
    """What reading one entry needs (from the directory and its local header)."""

    name: str
    compress_type: int
    compress_size: int
    file_size: int
    crc: int
    data_offset: int


def _inflate(fp, facts: _Facts, chunk_size: int) -> Iterator[bytes]:
    """The entry's bytes as really inflated, in chunks of at most ``chunk_size``.

    Raises ``_Refusal`` when the data ends early, inflates to more or less
    than declared, or fails its CRC.
    """
    fp.seek(facts.data_offset)
    remaining = facts.compress_size
    total = 0
    crc = 0
    name = facts.name
    if facts.compress_type == zipfile.ZIP_STORED:
        while remaining:
            data = fp.read(min(chunk_size, remaining))
            if not data:
                raise _Refusal(ProblemCode.TRUNCATED, _truncated_message(name))
            remaining -= len(data)
            total += len(data)
            if total > facts.file_size:
                raise _Refusal(ProblemCode.SIZE_MISMATCH, _size_message(name))
            crc = zlib.crc32(data, crc)
            yield data
    elif facts.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                if not remaining:
                    raise _Refusal(ProblemCode.TRUNCATED, _truncated_message(name))
                data = fp.read(min(chunk_size, remaining))
                if not data:
                    raise _Refusal(ProblemCode.TRUNCATED, _truncated_message(name))
                remaining -= len(data)
            try:
                out = inflater.decompress(data, chunk_size)
            except zlib.error:
                raise _Refusal(ProblemCode.CRC_MISMATCH, _corrupt_message(name)) from None
            if out:
                total += len(out)
                if total > facts.file_size:
                    raise _Refusal(ProblemCode.SIZE_MISMATCH, _size_message(name))
                crc = zlib.crc32(out, crc)
                yield out
        if remaining or inflater.unused_data:
            # The declared compressed size covers more than the stream: room
            # for data another unzip program might read differently.
            raise _Refusal(ProblemCode.SIZE_MISMATCH, _size_message(name))
    else:  # pragma: no cover - refused before reading
        raise _Refusal(ProblemCode.UNSUPPORTED_COMPRESSION, _unsupported_message(name))
    if total != facts.file_size:
        raise _Refusal(ProblemCode.SIZE_MISMATCH, _size_message(name))
    if crc != facts.crc:
        raise _Refusal(ProblemCode.CRC_MISMATCH, _corrupt_message(name))


def _truncated_message(name: str) -> str:
    return _(
        "“%(name)s” ends before its data does: the zip is incomplete. "
        "Upload the whole file again (wait until the copy or download has finished)."
    ) % {"name": name}


def _size_message(name: str) -> str:
    return _(
        "“%(name)s” does not have the size the zip says it has; the zip was altered or "
        "damaged. Create the zip again from the original folder."
    ) % {"name": name}


def _corrupt_message(name: str) -> str:
    return _(
        "“%(name)s” is damaged (its checksum does not match). "
        "Create the zip again from the original folder."
    ) % {"name": name}


def _unsupported_message(name: str) -> str:
    return _(
        "“%(name)s” uses a compression method reviewers cannot open. "
        "Zip the folder with the standard method (Windows’ “Send to → Compressed (zipped) "
        "folder”, macOS’ “Compress”, or 7-Zip’s “Deflate”)."
    ) % {"name": name}


def _read_local_header(fp, offset: int, file_size: int):
    if offset < 0 or offset + _LOCAL_HEADER.size > file_size:
        return None
    fp.seek(offset)
    raw = fp.read(_LOCAL_HEADER.size)
    if len(raw) != _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(raw)
    name = fp.read(fields[10])
    return fields, name


# --- inspection ------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []
        self.counts: Counter = Counter()

    def add(self, code, message, entry="", severity: Severity = "error"):
        self.counts[code] += 1
        if self.counts[code] <= MAX_PROBLEMS_PER_CODE:
            self.items.append(Problem(ProblemCode(code), message, entry, severity))

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)

    def finish(self) -> list[Problem]:
        items = list(self.items)
        for code, count in self.counts.items():
            if count > MAX_PROBLEMS_PER_CODE:
                first = next(p for p in items if p.code == code)
                more = count - MAX_PROBLEMS_PER_CODE
                items.append(
                    Problem(
                        first.code,
                        ngettext(
                            "…and %(count)d more entry with the same problem.",
                            "…and %(count)d more entries with the same problem.",
                            more,
                        )
                        % {"count": more},
                        "",
                        first.severity,
                    )
                )
        # Errors first; otherwise in the order found (file order).
        items.sort(key=lambda p: p.severity != "error")
        return items


def _result(problems: _Problems, entries=(), inflated=0) -> InspectionResult:
    items = problems.finish()
    return InspectionResult(
        valid=not any(p.severity == "error" for p in items),
        problems=items,
        entries=list(entries),
        inflated_bytes=inflated,
    )


def _file_size(fp) -> int:
    fp.seek(0, 2)
    return fp.tell()


def _directory_bounds(fp, limits: Limits, problems: _Problems) -> bool:
    """Size and count the central directory before zipfile builds it in memory."""
    try:
        endrec = zipfile._EndRecData(fp)
    except (OSError, EOFError, struct.error):
        endrec = None
    if not endrec:
        fp.seek(0)
        if fp.read(4) == _LOCAL_SIGNATURE:
            problems.add(
                ProblemCode.TRUNCATED,
                _(
                    "The zip is incomplete: its end (the list of its contents) is missing. "
                    "Upload the whole file again (wait until the copy or download has finished)."
                ),
            )
        else:
            problems.add(ProblemCode.NOT_A_ZIP, _not_a_zip_message())
        return False
    size_cd = endrec[zipfile._ECD_SIZE]
    offset_cd = endrec[zipfile._ECD_OFFSET]
    concat = endrec[zipfile._ECD_LOCATION] - size_cd - offset_cd
    if endrec[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    start_dir = offset_cd + concat
    if size_cd > limits.max_directory_bytes:
        problems.add(
            ProblemCode.TOO_MANY_ENTRIES,
            _(
                "The zip’s list of contents is unusually large (%(size)d MB). "
                "Split the submission or remove files that were not asked for."
            )
            % {"size": size_cd // MiB},
        )
        return False
    if start_dir < 0:
        problems.add(ProblemCode.TRUNCATED, _truncated_message(_("the zip’s list of contents")))
        return False
    fp.seek(start_dir)
    directory = fp.read(size_cd)
    count = 0
    i = 0
    while i + 46 <= len(directory) and directory[i : i + 4] == _CENTRAL_SIGNATURE:
        n, m, k = struct.unpack_from("<3H", directory, i + 28)
        i += 46 + n + m + k
        count += 1
        if count > limits.max_entries:
            problems.add(ProblemCode.TOO_MANY_ENTRIES, _too_many_message(limits))
            return False
    return True


def _too_many_message(limits: Limits) -> str:
    return _(
        "The zip has more than %(max)d files and folders. Send only the documents the tool "
        "asks for (a sample is one or two documents per month), or ask the association "
        "how to send more."
    ) % {"max": limits.max_entries}


def _not_a_zip_message() -> str:
    return _(
        "This file is not a zip file. Put the evaluation in one folder, compress it "
        "(Windows: right-click → “Send to → Compressed (zipped) folder”; macOS: “Compress”) "
        "and upload the .zip file."
    )


def _check_shared_headers(infos, start_dir: int, problems: _Problems) -> bool:
    """No two records share a local header, none sits in or after the directory, and
    nothing precedes the first (from the directory alone, before any reading)."""
    shared = Counter(info.header_offset for info in infos)
    repeated = sum(c - 1 for c in shared.values() if c > 1)
    repeated += sum(1 for offset in shared if offset >= start_dir)
    if repeated:
        problems.add(
            ProblemCode.OVERLAPPING_ENTRIES,
            ngettext(
                "%(count)d entry of the zip’s list points at another entry’s data. "
                "Such zips are built to exhaust the unzip program. "
                "Create the zip again from the original folder.",
                "%(count)d entries of the zip’s list point at another entry’s data. "
                "Such zips are built to exhaust the unzip program. "
                "Create the zip again from the original folder.",
                repeated,
            )
            % {"count": repeated},
        )
        return False
    if infos and min(shared) > 0:
        problems.add(
            ProblemCode.NOT_A_ZIP,
            _(
                "The file has other data before the zip (for example a self-extracting "
                "program). Save the folder as a plain .zip file and upload that."
            ),
        )
        return False
    return True


def _locate_data(fp, info: zipfile.ZipInfo, name: str, limit: int, file_size: int) -> int:
    """Where the entry's data starts, after checking its local header against the directory.

    ``limit`` is where the next entry (or the directory) starts: the data must
    end before it. Raises ``_Refusal`` otherwise; the caller stops there.
    """
    header = _read_local_header(fp, info.header_offset, file_size)
    if header is None:
        raise _Refusal(ProblemCode.TRUNCATED, _truncated_message(name))
    fields, local_name = header
    signature, _v, _s, flags, method, _t, _d, crc, csize, usize, n, m = fields
    if signature != _LOCAL_SIGNATURE:
        raise _Refusal(
            ProblemCode.HEADER_MISMATCH,
            _(
                "The zip’s list of contents does not match its data at “%(name)s”; the "
                "zip was altered or damaged. Create the zip again from the original folder."
            )
            % {"name": name},
        )
    data_offset = info.header_offset + _LOCAL_HEADER.size + n + m
    end = data_offset + info.compress_size + (12 if info.flag_bits & 0x08 else 0)
    if end > limit:
        raise _Refusal(
            ProblemCode.OVERLAPPING_ENTRIES,
            _(
                "“%(name)s” overlaps the next entry of the zip (one entry hidden inside "
                "another). Create the zip again from the original folder."
            )
            % {"name": name},
        )
    lies = local_name != _raw_name(info) or method != info.compress_type
    if not (flags & 0x08) and 0xFFFFFFFF not in (csize, usize):
        lies = lies or (csize, usize, crc) != (info.compress_size, info.file_size, info.CRC)
    if lies:
        raise _Refusal(
            ProblemCode.HEADER_MISMATCH,
            _(
                "“%(name)s” is described differently in two places of the zip (name, size "
                "or method); the zip was altered or damaged. Create the zip again from the "
                "original folder."
            )
            % {"name": name},
        )
    if flags & 0x41:
        info.flag_bits |= 0x1  # encrypted in its local header only: treat as encrypted
    return data_offset


@dataclass
class _Read:
    info: zipfile.ZipInfo
    name: str  # display name before the wrapper is stripped
    size: int = 0


def inspect(
    fileobj, *, spec: StructureSpec = StructureSpec(), limits: Limits = Limits()
) -> InspectionResult:
    """Inspect a zip (a seekable binary file); see the module docstring."""
    problems = _Problems()
    try:
        file_size = _file_size(fileobj)
    except (OSError, ValueError):
        problems.add(ProblemCode.NOT_A_ZIP, _not_a_zip_message())
        return _result(problems)
    if file_size == 0:
        problems.add(ProblemCode.NOT_A_ZIP, _("The file is empty. Upload the zipped evaluation."))
        return _result(problems)
    if not _directory_bounds(fileobj, limits, problems):
        return _result(problems)
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            infos = zf.infolist()
            start_dir = zf.start_dir
    except UnicodeDecodeError:
        problems.add(
            ProblemCode.INVALID_NAME,
            _(
                "Some names in the zip are not valid UTF-8 although the zip says they are. "
                "Create the zip again with Windows, macOS or 7-Zip."
            ),
        )
        return _result(problems)
    except zipfile.BadZipFile as exc:
        if "multiple disks" in str(exc) or "span" in str(exc):
            problems.add(
                ProblemCode.NOT_A_ZIP,
                _(
                    "This is one part of a zip split into several files. "
                    "Create a single zip file and upload that."
                ),
            )
        else:
            problems.add(ProblemCode.TRUNCATED, _truncated_message(_("the zip’s list of contents")))
        return _result(problems)
    except (OSError, EOFError, ValueError, struct.error, NotImplementedError, OverflowError):
        problems.add(ProblemCode.NOT_A_ZIP, _not_a_zip_message())
        return _result(problems)

    if len(infos) > limits.max_entries:  # the directory was counted; defence in depth
        problems.add(ProblemCode.TOO_MANY_ENTRIES, _too_many_message(limits))
        return _result(problems)
    if not _check_shared_headers(infos, start_dir, problems):
        return _result(problems)

    reads = _check_names(infos, problems)
    inflated, complete = _read_entries(
        fileobj, infos, reads, start_dir, file_size, limits, problems
    )
    if not complete:
        return _result(problems, inflated=inflated)
    kept = [r for r in reads.values() if not _is_ignored(r.name)]
    if not kept:
        problems.add(
            ProblemCode.EMPTY_ARCHIVE,
            _("The zip is empty. Put the evaluation’s folders and documents in it."),
        )
        return _result(problems, inflated=inflated)
    entries = _check_structure(kept, spec, problems)
    return _result(problems, entries, inflated)


def _check_names(infos, problems: _Problems) -> dict[int, _Read]:
    reads: dict[int, _Read] = {}
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    for i, info in enumerate(infos):
        name = info.orig_filename
        display = _unicode_path_extra(info) or name
        for candidate in dict.fromkeys((name, display)):
            bad = _name_problem(candidate)
            if bad:
                problems.add(bad[0], bad[1], candidate)
                break
        reads[i] = _Read(info, display)
        key = _name_key(display)
        if key in seen:
            problems.add(
                ProblemCode.DUPLICATE_NAME,
                _(
                    "“%(name)s” and “%(other)s” have the same name (upper and lower case count "
                    "as the same on Windows and macOS, so one would replace the other). "
                    "Rename one of them and zip the folder again."
                )
                % {"name": display, "other": seen[key]},
                display,
            )
        else:
            seen[key] = display
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), display)
    for key, display in seen.items():
        if key in folders and not display.endswith("/"):
            problems.add(
                ProblemCode.DUPLICATE_NAME,
                _(
                    "“%(name)s” is both a file and a folder in the zip. "
                    "Rename one of them and zip the folder again."
                )
                % {"name": display},
                display,
            )
    return reads


def _read_entries(fp, infos, reads, start_dir, file_size, limits: Limits, problems: _Problems):
    """The one pass over the entries, in file order.

    Returns the bytes inflated and whether the pass went to the end (it stops
    at the first sign of a hostile zip: overlap, lying header, bomb).
    """
    inflated = 0
    order = sorted(range(len(infos)), key=lambda i: infos[i].header_offset)
    for position, i in enumerate(order):
        info = infos[i]
        read = reads[i]
        name = read.name
        following = order[position + 1] if position + 1 < len(order) else None
        limit = start_dir if following is None else infos[following].header_offset
        try:
            data_offset = _locate_data(fp, info, name, limit, file_size)
        except _Refusal as refusal:
            problems.add(refusal.code, refusal.message, name)
            return inflated, False
        mode = info.external_attr >> 16
        if info.flag_bits & 0x41:  # traditional or strong encryption
            problems.add(
                ProblemCode.ENCRYPTED,
                _(
                    "“%(name)s” is password-protected. Remove the password (or zip the "
                    "folder again without one) so the reviewer can open it."
                )
                % {"name": name},
                name,
            )
            continue
        file_type = stat.S_IFMT(mode) if info.create_system == 3 else 0
        if file_type and file_type not in (stat.S_IFREG, stat.S_IFDIR):
            problems.add(
                ProblemCode.SYMLINK,
                _(
                    "“%(name)s” is a link (a shortcut to another file), not a document. "
                    "Replace it with the document itself."
                )
                % {"name": name},
                name,
            )
            continue
        if _is_dir(info) and info.compress_size == 0 and info.file_size == 0:
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.add(ProblemCode.UNSUPPORTED_COMPRESSION, _unsupported_message(name), name)
            continue
        extension = _extension(name)
        apple_double = "__MACOSX" in name.split("/")
        if not apple_double:
            if extension in EXECUTABLE_EXTENSIONS:
                problems.add(ProblemCode.EXECUTABLE, _executable_message(name), name)
            elif extension in ARCHIVE_EXTENSIONS:
                problems.add(ProblemCode.NESTED_ARCHIVE, _nested_message(name), name)
        facts = _Facts(
            name,
            info.compress_type,
            info.compress_size,
            info.file_size,
            info.CRC,
            data_offset,
        )
        head = b""
        size = 0
        try:
            for chunk in _inflate(fp, facts, CHUNK_SIZE):
                if len(head) < _HEAD_BYTES:
                    head += chunk[: _HEAD_BYTES - len(head)]
                size += len(chunk)
                inflated += len(chunk)
                if inflated > limits.max_inflated_bytes:
                    problems.add(
                        ProblemCode.TOO_LARGE,
                        _(
                            "The zip unpacks to more than %(max)s. Send only the documents "
                            "the tool asks for, or ask the association how to send more."
                        )
                        % {"max": _human(limits.max_inflated_bytes)},
                    )
                    return inflated, False
                if limits.max_entry_bytes is not None and size > limits.max_entry_bytes:
                    problems.add(
                        ProblemCode.TOO_LARGE,
                        _("“%(name)s” is larger than %(max)s. Send a smaller copy.")
                        % {"name": name, "max": _human(limits.max_entry_bytes)},
                        name,
                    )
                    return inflated, False
                if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(
                    info.compress_size, 1
                ):
                    problems.add(
                        ProblemCode.COMPRESSION_RATIO,
                        _(
                            "“%(name)s” unpacks to more than %(ratio)d times its compressed "
                            "size, as zips built to exhaust the unzip program do. "
                            "Create the zip again from the original documents."
                        )
                        % {"name": name, "ratio": limits.max_ratio},
                        name,
                    )
                    return inflated, False
        except _Refusal as refusal:
            problems.add(refusal.code, refusal.message, name)
            if refusal.code in (ProblemCode.SIZE_MISMATCH, ProblemCode.TRUNCATED):
                # A lying header or missing data: nothing after it can be trusted.
                return inflated, False
            read.size = size
            continue
        except (OSError, EOFError):
            problems.add(ProblemCode.TRUNCATED, _truncated_message(name), name)
            return inflated, False
        read.size = size
        if not apple_double:
            kind = _content_kind(head)
            if kind == "executable" and extension not in EXECUTABLE_EXTENSIONS:
                problems.add(ProblemCode.EXECUTABLE, _executable_message(name), name)
            elif (
                kind == "archive"
                and extension not in ARCHIVE_EXTENSIONS
                and not (head.startswith(b"PK") and extension in ZIP_BASED_DOCUMENTS)
            ):
                problems.add(ProblemCode.NESTED_ARCHIVE, _nested_message(name), name)
    return inflated, True


def _executable_message(name: str) -> str:
    return _(
        "“%(name)s” is a program or script, which evaluations must not contain. "
        "Remove it; if it is a document, save it as PDF and add that instead."
    ) % {"name": name}


def _nested_message(name: str) -> str:
    return _(
        "“%(name)s” is an archive inside the zip; reviewers cannot open it here. "
        "Unpack it into its element folder and zip the whole folder again."
    ) % {"name": name}


def _human(size: int) -> str:
    if size >= GiB:
        return _("%(n)s GB") % {"n": f"{size / GiB:g}"}
    if size >= MiB:
        return _("%(n)s MB") % {"n": f"{size / MiB:g}"}
    return _("%(n)s KB") % {"n": f"{size / KiB:g}"}


# --- structure -------------------------------------------------------------


def _split(name: str) -> list[str]:
    return [p for p in name.split("/") if p]


def _strip_wrapper(paths, elements):
    """Drop one wrapping folder from the paths (``ACME/01 - Policy/…`` → ``01 - Policy/…``).

    The wrapper is the only top-level folder and not an element's folder.
    Loose files next to it (the tool, zipped alongside the folder) stay at the
    top, but only when the wrapper visibly holds the element folders.
    """
    folders = {parts[0] for parts, r in paths if len(parts) > 1 or _is_dir(r.info)}
    if len(folders) != 1:
        return paths
    top = next(iter(folders))
    if element_for_folder(top, elements) is not None:
        return paths
    loose = any(len(parts) == 1 and not _is_dir(r.info) for parts, r in paths)
    if loose and not any(
        len(parts) > 2 and parts[0] == top and element_for_folder(parts[1], elements) is not None
        for parts, _r in paths
    ):
        return paths
    return [
        (parts[1:] if parts[0] == top else parts, r)
        for parts, r in paths
        if not (parts[0] == top and len(parts) == 1)
    ]


def _buried_element_folders(folder_element, paths, elements) -> str | None:
    """The folder holding the element folders one level too deep, if that is the mistake."""
    candidates = [f for f, n in folder_element.items() if n is None]
    if len(candidates) != 1:
        return None
    inner = {
        element_for_folder(parts[1], elements)
        for parts, _r in paths
        if len(parts) > 2 and parts[0] == candidates[0]
    } - {None}
    return candidates[0] if inner else None


def _check_structure(kept: list[_Read], spec: StructureSpec, problems: _Problems):
    elements = spec.elements
    paths = [(_split(r.name), r) for r in kept]
    paths = [(parts, r) for parts, r in paths if parts]

    paths = _strip_wrapper(paths, elements)

    folder_element: dict[str, int | None] = {}
    documents_in: dict[str, int] = defaultdict(int)
    top_files: list[tuple[str, _Read]] = []
    entries: list[ManifestEntry] = []
    for parts, r in paths:
        is_dir = _is_dir(r.info)
        folder = parts[0] if (len(parts) > 1 or is_dir) else None
        number = None
        if folder is not None:
            if folder not in folder_element:
                folder_element[folder] = element_for_folder(folder, elements)
            number = folder_element[folder]
            if not is_dir:
                documents_in[folder] += 1
        elif not is_dir:
            top_files.append((parts[0], r))
        entries.append(
            ManifestEntry(
                # NFC: macOS writes decomposed accents, Windows composed ones;
                # versions of one submission must compare equal path by path.
                path=unicodedata.normalize("NFC", "/".join(parts)),
                original_name=r.info.orig_filename,
                size=r.size,
                compressed_size=r.info.compress_size,
                crc=r.info.CRC,
                header_offset=r.info.header_offset,
                element_number=number,
                is_dir=is_dir,
            )
        )

    tool_folders = {f for f, n in folder_element.items() if n is None and _looks_like_tool(f)}
    tool_documents = [
        name
        for name, _r in top_files
        if _extension(name) in TOOL_DOCUMENT_EXTENSIONS and _looks_like_tool(name)
    ]
    has_tool = bool(tool_documents) or any(documents_in[f] for f in tool_folders)

    if elements:
        by_number: dict[int, list[str]] = defaultdict(list)
        for folder, number in folder_element.items():
            if number is not None:
                by_number[number].append(folder)
        buried = None if by_number else _buried_element_folders(folder_element, paths, elements)
        if buried:
            problems.add(
                ProblemCode.MISSING_ELEMENT_FOLDER,
                _(
                    "The element folders are inside “%(folder)s”, one folder too deep. Zip the "
                    "folder “%(folder)s” itself (or put its element folders at the top)."
                )
                % {"folder": buried},
                buried,
            )
        for element in elements:
            folders = by_number.get(element.number, [])
            label = _element_label(element)
            if not folders:
                problems.add(
                    ProblemCode.MISSING_ELEMENT_FOLDER,
                    _(
                        "No folder for %(element)s. Add a top-level folder named, for example, "
                        "“%(example)s” with its documents."
                    )
                    % {"element": label, "example": _example_folder(element, elements)},
                )
                continue
            if len(folders) > 1:
                problems.add(
                    ProblemCode.DUPLICATE_ELEMENT_FOLDER,
                    _("%(element)s has several folders (%(folders)s). Put its documents in one.")
                    % {"element": label, "folders": ", ".join(f"“{f}”" for f in sorted(folders))},
                    sorted(folders)[0],
                    "warning",
                )
            count = sum(documents_in[f] for f in folders)
            if count == 0:
                problems.add(
                    ProblemCode.EMPTY_ELEMENT_FOLDER,
                    _(
                        "The folder “%(folder)s” (%(element)s) is empty. Add the documents "
                        "the tool asks for under this element."
                    )
                    % {"folder": folders[0], "element": label},
                    folders[0],
                    "warning",
                )
            elif spec.max_documents_per_folder and count > spec.max_documents_per_folder:
                problems.add(
                    ProblemCode.TOO_MANY_DOCUMENTS,
                    _(
                        "The folder “%(folder)s” (%(element)s) holds %(count)d documents. "
                        "Send a sample — one or two documents per month, or per week for the "
                        "busiest three months — not everything: too much documentation may "
                        "get the submission returned."
                    )
                    % {"folder": folders[0], "element": label, "count": count},
                    folders[0],
                    "warning",
                )
        for folder, number in sorted(folder_element.items()):
            if number is None and folder not in tool_folders:
                problems.add(
                    ProblemCode.UNEXPECTED_FOLDER,
                    _(
                        "The folder “%(folder)s” does not match any element of the audit tool. "
                        "Name each folder after its element (for example “01 - %(name)s”) and "
                        "move other documents into the element they support."
                    )
                    % {"folder": folder, "name": elements[0].name},
                    folder,
                    "warning",
                )
        for name, _r in top_files:
            if name not in tool_documents:
                problems.add(
                    ProblemCode.UNFILED_DOCUMENT,
                    _(
                        "“%(name)s” is outside the element folders. Move it into the folder "
                        "of the element it supports."
                    )
                    % {"name": name},
                    name,
                    "warning",
                )

    if spec.require_tool_document and not has_tool:
        problems.add(
            ProblemCode.MISSING_TOOL_DOCUMENT,
            _(
                "The evaluation tool is not at the top of the zip. Add the completed tool as "
                "its own document (PDF, Word or Excel) next to the element folders, with "
                "“tool”, “evaluation” or “audit” in its name."
            ),
            "",
            "warning",
        )

    if spec.required_documents:
        document_paths = [" " + _normalise(e.path) for e in entries if not e.is_dir]
        for item in spec.required_documents:
            label, needed = (item, 1) if isinstance(item, str) else (item[0], int(item[1]))
            alternatives = [_normalise(a) for a in label.split("|") if _normalise(a)]
            patterns = [re.compile(r"(?<![a-z0-9])" + re.escape(a)) for a in alternatives]
            found = sum(1 for p in document_paths if any(rx.search(p) for rx in patterns))
            if found < needed:
                shown = label.split("|")[0].strip()
                problems.add(
                    ProblemCode.MISSING_DOCUMENT,
                    ngettext(
                        "The zip needs %(needed)d “%(name)s” document but has %(found)d. "
                        "Add it, with “%(name)s” in its name or its folder’s name.",
                        "The zip needs %(needed)d “%(name)s” documents but has %(found)d. "
                        "Add them, with “%(name)s” in their names or their folder’s name.",
                        needed,
                    )
                    % {"needed": needed, "name": shown, "found": found},
                    "",
                    "warning",
                )
    return entries


def _element_label(element: ExpectedElement) -> str:
    if element.supplemental:
        return _("supplemental section “%(name)s”") % {"name": element.name}
    return _("element %(number)d (%(name)s)") % {"number": element.number, "name": element.name}


def _example_folder(element: ExpectedElement, elements) -> str:
    if element.supplemental:
        position = sorted(e.number for e in elements if e.supplemental).index(element.number) + 1
        return f"Supplemental {position} - {element.name}"
    return f"{element.number:02d} - {element.name}"


# --- previews and downloads ------------------------------------------------


def iter_entry(
    fileobj, entry: ManifestEntry, *, max_bytes: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """Stream one inspected entry's bytes (previews, downloads) without unpacking the rest.

    Raises ``EntryReadError`` when the entry is a folder, is larger than
    ``max_bytes``, or its data no longer matches the inspection (a changed file).
    """
    if entry.is_dir:
        raise EntryReadError(ProblemCode.INVALID_NAME, _("This is a folder, not a document."))
    if entry.size > max_bytes:
        raise EntryReadError(
            ProblemCode.TOO_LARGE,
            _("“%(name)s” is larger than %(max)s; download it instead.")
            % {"name": entry.path, "max": _human(max_bytes)},
        )
    size = _file_size(fileobj)
    header = _read_local_header(fileobj, entry.header_offset, size)
    if header is None or header[0][0] != _LOCAL_SIGNATURE:
        raise EntryReadError(ProblemCode.HEADER_MISMATCH, _size_message(entry.path))
    fields, _local_name = header
    flags, method, n, m = fields[3], fields[4], fields[10], fields[11]
    if flags & 0x41:
        raise EntryReadError(
            ProblemCode.ENCRYPTED,
            _("“%(name)s” is password-protected.") % {"name": entry.path},
        )
    facts = _Facts(
        entry.path,
        method,
        entry.compressed_size,
        entry.size,
        entry.crc,
        entry.header_offset + _LOCAL_HEADER.size + n + m,
    )
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise EntryReadError(ProblemCode.UNSUPPORTED_COMPRESSION, _unsupported_message(entry.path))
    sent = 0
    try:
        for chunk in _inflate(fileobj, facts, chunk_size):
            sent += len(chunk)
            if sent > max_bytes:
                raise EntryReadError(
                    ProblemCode.TOO_LARGE,
                    _("“%(name)s” is larger than %(max)s; download it instead.")
                    % {"name": entry.path, "max": _human(max_bytes)},
                )
            yield chunk
    except _Refusal as refusal:
        raise EntryReadError(refusal.code, refusal.message) from None


# --- from the audit tool ---------------------------------------------------


def spec_for_tool(tool) -> StructureSpec:
    """The evaluation structure of an ``audits.AuditTool`` version: one folder per element."""
    from django_scopes import scope

    with scope(association=tool.association_id):
        rows = list(
            tool.elements.order_by("supplemental", "number").values_list(
                "number", "name", "supplemental"
            )
        )
    return StructureSpec(
        elements=tuple(ExpectedElement(n, name, supp) for n, name, supp in rows),
        require_tool_document=True,
        max_documents_per_folder=DEFAULT_MAX_DOCUMENTS_PER_FOLDER,
    )
