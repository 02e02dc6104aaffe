"""Zip inspection: every safety case built here, byte for byte; structure; streaming.

Zips are written with ``zipfile`` where it can write them, and with ``struct``
where it refuses to (lying headers, shared local headers, hidden entries).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import stat
import struct
import tracemalloc
import warnings
import zipfile
import zlib

import pytest

from submissions.inspection import (
    EntryReadError,
    ExpectedElement,
    Limits,
    ProblemCode,
    StructureSpec,
    element_for_folder,
    inspect,
    iter_entry,
    spec_for_tool,
)

MiB = 1024 * 1024
PDF = b"%PDF-1.7\n" + b"report body " * 50

ELEMENTS = (
    ExpectedElement(1, "Management leadership"),
    ExpectedElement(2, "Hazard identification and assessment"),
    ExpectedElement(3, "Hazard control"),
)
SPEC = StructureSpec(elements=ELEMENTS, max_documents_per_folder=5)
NO_STRUCTURE = StructureSpec(require_tool_document=False)


# --- builders --------------------------------------------------------------


def make_zip(files: dict, *, method=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    """A zip of ``{name or ZipInfo: bytes}`` as zipfile writes it."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on the duplicate names we mean
        with zipfile.ZipFile(buf, "w", method) as zf:
            for name, data in files.items():
                zf.writestr(name if isinstance(name, zipfile.ZipInfo) else str(name), data)
    buf.seek(0)
    return buf


def valid_files(**extra) -> dict:
    files = {
        "Audit tool 2026.pdf": PDF,
        "01 - Management leadership/policy.pdf": PDF,
        "02 - Hazard identification/hazard assessment.pdf": PDF,
        "03 - Hazard control/controls.pdf": PDF,
    }
    files.update(extra)
    return files


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


@functools.cache
def zero_deflate(mib: int) -> bytes:
    """Raw deflate of ``mib`` MiB of zeros, built from one compressed 16 MiB block.

    A full flush makes each copy independent, so repeating it is a valid stream.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = c.compress(bytes(16 * MiB)) + c.flush(zlib.Z_FULL_FLUSH)
    assert mib % 16 == 0
    return piece * (mib // 16) + c.flush()


def local_header(name: bytes, payload: bytes, *, method, crc, usize, flags=0, csize=None):
    csize = len(payload) if csize is None else csize
    fixed = (20, 0, flags, method, 0, 0x21, crc, csize, usize, len(name), 0)
    header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fixed)
    return header + name + payload


def central_record(
    name: bytes,
    *,
    method,
    crc,
    csize,
    usize,
    offset,
    flags=0,
    external_attr=0,
    create_system=0,
    extra=b"",
):
    return (
        struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            create_system,
            20,
            0,
            flags,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            len(extra),
            0,
            0,
            0,
            external_attr,
            offset,
        )
        + name
        + extra
    )


def end_record(count: int, cd_size: int, cd_offset: int) -> bytes:
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset, 0)


def raw_zip(entries) -> io.BytesIO:
    """A zip from ``(name, plain, options)`` triples, headers written by hand.

    Options: method, crc, usize (declared), flags, local_flags, external_attr,
    create_system, extra (central), local_usize, local_csize.
    """
    body = bytearray()
    records = []
    for name, plain, opts in entries:
        method = opts.get("method", zipfile.ZIP_DEFLATED)
        payload = deflate(plain) if method == zipfile.ZIP_DEFLATED else plain
        payload = opts.get("payload", payload)
        crc = opts.get("crc", zlib.crc32(plain))
        usize = opts.get("usize", len(plain))
        flags = opts.get("flags", 0)
        offset = len(body)
        body += local_header(
            name,
            payload,
            method=method,
            crc=crc,
            usize=opts.get("local_usize", usize),
            csize=opts.get("local_csize"),
            flags=opts.get("local_flags", flags),
        )
        records.append(
            central_record(
                name,
                method=method,
                crc=crc,
                csize=len(payload),
                usize=usize,
                offset=offset,
                flags=flags,
                external_attr=opts.get("external_attr", 0),
                create_system=opts.get("create_system", 0),
                extra=opts.get("extra", b""),
            )
        )
    cd_offset = len(body)
    directory = b"".join(records)
    body += directory + end_record(len(records), len(directory), cd_offset)
    return io.BytesIO(bytes(body))


def codes(result, severity=None) -> set:
    return {p.code for p in result.problems if severity is None or p.severity == severity}


DEFAULT_LIMITS = Limits()


def refused_with(buf, code, *, spec=NO_STRUCTURE, limits=DEFAULT_LIMITS):
    result = inspect(buf, spec=spec, limits=limits)
    assert not result.valid
    assert code in codes(result, "error"), result.problems
    problem = next(p for p in result.problems if p.code == code)
    assert problem.message
    return result


# --- a valid zip -----------------------------------------------------------


def test_a_well_organised_zip_is_valid_with_its_manifest():
    result = inspect(make_zip(valid_files()), spec=SPEC)
    assert result.valid
    assert result.problems == []
    assert result.inflated_bytes == 4 * len(PDF)
    by_path = {e.path: e for e in result.entries}
    assert by_path["01 - Management leadership/policy.pdf"].element_number == 1
    assert by_path["03 - Hazard control/controls.pdf"].size == len(PDF)
    assert by_path["Audit tool 2026.pdf"].element_number is None


def test_one_wrapping_folder_is_stripped_from_display_paths():
    files = {f"ACME Trucking SECOR/{k}": v for k, v in valid_files().items()}
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid, result.problems
    entry = next(e for e in result.entries if e.element_number == 2)
    assert entry.path == "02 - Hazard identification/hazard assessment.pdf"
    assert entry.original_name == "ACME Trucking SECOR/" + entry.path


def test_the_tool_zipped_next_to_the_wrapping_folder_stays_at_the_top():
    files = {f"ACME/{k}": v for k, v in valid_files().items() if "tool" not in k}
    files["Audit tool 2026.pdf"] = PDF
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid, result.problems
    assert result.problems == []
    assert {e.path for e in result.entries} >= {
        "Audit tool 2026.pdf",
        "03 - Hazard control/controls.pdf",
    }


def test_element_folders_two_folders_deep_are_refused_with_a_hint():
    files = {f"Desktop/ACME/{k}": v for k, v in valid_files().items()}
    result = refused_with(make_zip(files), ProblemCode.MISSING_ELEMENT_FOLDER, spec=SPEC)
    assert "inside “ACME”, one folder too deep" in result.problems[0].message


def test_a_lone_element_folder_is_not_taken_for_a_wrapper():
    result = inspect(make_zip({"01 - Management leadership/policy.pdf": PDF}), spec=SPEC)
    assert [e.element_number for e in result.entries] == [1]
    missing = [p for p in result.problems if p.code == ProblemCode.MISSING_ELEMENT_FOLDER]
    assert len(missing) == 2


def test_macos_metadata_and_ds_store_are_ignored():
    files = valid_files(
        **{
            "__MACOSX/01 - Management leadership/._policy.pdf": b"\x00\x05\x16\x07junk",
            "01 - Management leadership/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "Thumbs.db": b"x",
        }
    )
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert result.problems == []
    assert not any("__MACOSX" in e.path or "DS_Store" in e.path for e in result.entries)


def test_office_documents_are_zips_inside_but_not_nested_archives():
    docx = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}).getvalue()
    result = inspect(make_zip(valid_files(**{"Evaluation tool.docx": docx})), spec=SPEC)
    assert result.valid, result.problems


# --- not a zip, truncated ---------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"hello, this is a text file\n" * 10, os.urandom(5000), PDF], ids=str
)
def test_a_file_that_is_not_a_zip_is_refused(data):
    refused_with(io.BytesIO(data), ProblemCode.NOT_A_ZIP)


def test_a_zip_cut_short_is_refused_as_truncated():
    whole = make_zip(valid_files()).getvalue()
    for cut in (len(whole) - 10, len(whole) // 2):
        refused_with(io.BytesIO(whole[:cut]), ProblemCode.TRUNCATED)


def test_data_before_the_zip_is_refused():
    # A self-extracting program: an executable stub with the zip after it.
    whole = make_zip(valid_files()).getvalue()
    stub = b"MZ" + bytes(62) + b"stub program" * 100
    assert zipfile.ZipFile(io.BytesIO(stub + whole)).namelist()  # zipfile opens it anyway
    refused_with(io.BytesIO(stub + whole), ProblemCode.NOT_A_ZIP)


def test_an_empty_zip_is_refused():
    refused_with(make_zip({}), ProblemCode.EMPTY_ARCHIVE)


# --- layout attacks ---------------------------------------------------------


def test_overlap_bomb_many_records_one_local_header_is_refused_without_inflating():
    # One 2 MiB entry listed 600 times: 1.2 GiB if each record were read.
    plain = bytes(2 * MiB)
    payload = deflate(plain)
    body = local_header(
        b"bomb.txt", payload, method=zipfile.ZIP_DEFLATED, crc=zlib.crc32(plain), usize=len(plain)
    )
    record = central_record(
        b"bomb.txt",
        method=zipfile.ZIP_DEFLATED,
        crc=zlib.crc32(plain),
        csize=len(payload),
        usize=len(plain),
        offset=0,
    )
    directory = record * 600
    data = body + directory + end_record(600, len(directory), len(body))
    assert len(data) < 64 * 1024
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 600  # zipfile accepts it

    tracemalloc.start()
    try:
        result = refused_with(io.BytesIO(data), ProblemCode.OVERLAPPING_ENTRIES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.inflated_bytes == 0
    assert peak < 64 * MiB


def test_an_entry_hidden_inside_another_entrys_data_is_refused():
    inner = local_header(b"hidden.exe", b"MZ", method=0, crc=zlib.crc32(b"MZ"), usize=2)
    outer_plain = b"%PDF-1.7 " + inner + b" end"
    outer = local_header(
        b"a.pdf", outer_plain, method=0, crc=zlib.crc32(outer_plain), usize=len(outer_plain)
    )
    hidden_at = 30 + len(b"a.pdf") + len(b"%PDF-1.7 ")
    directory = central_record(
        b"a.pdf",
        method=0,
        crc=zlib.crc32(outer_plain),
        csize=len(outer_plain),
        usize=len(outer_plain),
        offset=0,
    ) + central_record(
        b"hidden.exe", method=0, crc=zlib.crc32(b"MZ"), csize=2, usize=2, offset=hidden_at
    )
    data = outer + directory + end_record(2, len(directory), len(outer))
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.read("hidden.exe") == b"MZ"  # zipfile reads both without a word
    refused_with(io.BytesIO(data), ProblemCode.OVERLAPPING_ENTRIES)


def test_an_entry_whose_header_sits_after_the_central_directory_is_refused():
    # The header hides in the archive comment, after the directory that lists it.
    plain = b"%PDF-1.7 hidden"
    hidden = local_header(b"a.pdf", plain, method=0, crc=zlib.crc32(plain), usize=len(plain))
    record = central_record(
        b"a.pdf", method=0, crc=zlib.crc32(plain), csize=len(plain), usize=len(plain), offset=0
    )
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(record), 0, len(hidden))
    data = bytearray(record + end + hidden)
    # Point the record at the hidden header: directory (at 0) + end record (22).
    struct.pack_into("<L", data, 42, len(record) + 22)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).read("a.pdf") == plain
    refused_with(io.BytesIO(bytes(data)), ProblemCode.OVERLAPPING_ENTRIES)


def test_a_header_that_declares_less_than_the_data_inflates_to_is_refused():
    plain = os.urandom(300_000)
    # Declared: 1,000 bytes with the checksum of those 1,000 bytes. zipfile
    # stops at the declared size and sees nothing wrong; a desktop unzip
    # would inflate all 300 KB.
    buf = raw_zip([(b"report.pdf", plain, {"usize": 1000, "crc": zlib.crc32(plain[:1000])})])
    assert zipfile.ZipFile(buf).read("report.pdf") == plain[:1000]
    refused_with(buf, ProblemCode.SIZE_MISMATCH)


def test_a_header_that_declares_more_than_the_data_holds_is_refused():
    plain = os.urandom(1000)
    buf = raw_zip([(b"report.pdf", plain, {"usize": 50_000})])
    assert zipfile.ZipFile(buf).read("report.pdf") == plain  # zipfile again silent
    refused_with(buf, ProblemCode.SIZE_MISMATCH)


def test_a_stored_entry_whose_sizes_disagree_is_refused():
    plain = os.urandom(1000)
    buf = raw_zip([(b"report.pdf", plain, {"method": 0, "usize": 400})])
    refused_with(buf, ProblemCode.SIZE_MISMATCH)


def test_a_local_header_that_disagrees_with_the_directory_is_refused():
    plain = os.urandom(1000)
    buf = raw_zip([(b"report.pdf", plain, {"local_usize": 10})])
    refused_with(buf, ProblemCode.HEADER_MISMATCH)


# --- content ----------------------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_flipped_byte_is_refused_as_a_crc_mismatch(method):
    data = bytearray(make_zip({"01/report.pdf": PDF}, method=method).getvalue())
    at = data.index(b"report.pdf") + len("report.pdf") + 20
    data[at] ^= 0x01
    refused_with(io.BytesIO(bytes(data)), ProblemCode.CRC_MISMATCH)


def test_a_ratio_bomb_is_refused_with_bounded_memory():
    # 1 GiB of zeros in about 1 MB: far beyond 100:1.
    payload = zero_deflate(1024)
    buf = raw_zip(
        [
            (
                b"01/photo.jpg",
                b"",
                {"payload": payload, "usize": 1024 * MiB, "crc": 0},
            )
        ]
    )
    tracemalloc.start()
    try:
        result = refused_with(buf, ProblemCode.COMPRESSION_RATIO)
        peak = tracemalloc.get_traced_memory()[1] - len(buf.getvalue())
    finally:
        tracemalloc.stop()
    # Stopped as soon as the counted bytes passed 100 times the compressed size.
    assert result.inflated_bytes <= 100 * len(payload) + 64 * 1024
    assert peak < 64 * MiB


def test_the_inflated_total_is_counted_from_bytes_read_with_bounded_memory():
    # Ratio check off: the total limit alone must stop a 1 GiB stream.
    payload = zero_deflate(1024)
    buf = raw_zip([(b"01/photo.jpg", b"", {"payload": payload, "usize": 1024 * MiB, "crc": 0})])
    limits = Limits(max_ratio=10**9, max_inflated_bytes=96 * MiB)
    tracemalloc.start()
    try:
        result = refused_with(buf, ProblemCode.TOO_LARGE, limits=limits)
        peak = tracemalloc.get_traced_memory()[1] - len(buf.getvalue())
    finally:
        tracemalloc.stop()
    assert 96 * MiB < result.inflated_bytes <= 96 * MiB + 64 * 1024
    assert peak < 64 * MiB


def test_the_total_counts_every_entry_not_the_headers():
    # Each entry declares 10 bytes but the total limit is crossed by real bytes.
    files = {f"01/photo{i}.jpg": os.urandom(400_000) for i in range(4)}
    refused_with(make_zip(files), ProblemCode.TOO_LARGE, limits=Limits(max_inflated_bytes=MiB))


def test_a_single_entry_over_the_entry_limit_is_refused():
    files = {"01/photo.jpg": os.urandom(300_000)}
    refused_with(make_zip(files), ProblemCode.TOO_LARGE, limits=Limits(max_entry_bytes=100_000))


def test_compressible_documents_under_the_floor_are_fine():
    files = valid_files(**{"01 - Management leadership/log.txt": b"a" * 90_000})
    assert inspect(make_zip(files), spec=SPEC).valid


def test_more_than_ten_thousand_entries_are_refused():
    files = {f"01/{i}.pdf": b"" for i in range(10_001)}
    result = refused_with(make_zip(files, method=zipfile.ZIP_STORED), ProblemCode.TOO_MANY_ENTRIES)
    assert result.entries == []


def test_ten_thousand_entries_are_allowed():
    files = {f"01 - Management leadership/{i}.pdf": b"%PDF" for i in range(9_999)}
    files["Audit tool.pdf"] = PDF
    result = inspect(make_zip(files, method=zipfile.ZIP_STORED), spec=StructureSpec())
    assert ProblemCode.TOO_MANY_ENTRIES not in codes(result)
    assert len(result.entries) == 10_000


def test_a_symlink_is_refused():
    link = zipfile.ZipInfo("01/policy.pdf")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused_with(make_zip({link: b"/etc/passwd"}), ProblemCode.SYMLINK)


def test_an_encrypted_entry_is_refused():
    buf = raw_zip([(b"01/policy.pdf", PDF, {"flags": 0x1})])
    refused_with(buf, ProblemCode.ENCRYPTED)


def test_an_entry_encrypted_only_in_its_local_header_is_refused():
    buf = raw_zip([(b"01/policy.pdf", PDF, {"local_flags": 0x1})])
    refused_with(buf, ProblemCode.ENCRYPTED)


@pytest.mark.parametrize(
    "name",
    [
        "../evil.pdf",
        "01/../../evil.pdf",
        "/etc/cron.d/evil",
        "C:/Windows/evil.pdf",
        "c:evil.pdf",
        "01\\..\\..\\evil.pdf",
        "\\\\server\\share\\evil.pdf",
    ],
)
def test_path_traversal_is_refused(name):
    refused_with(make_zip({name: PDF}), ProblemCode.PATH_TRAVERSAL)


def test_a_name_with_a_nul_byte_is_refused():
    buf = raw_zip([(b"01/report.pdf\x00.exe", PDF, {})])
    refused_with(buf, ProblemCode.INVALID_NAME)


@pytest.mark.parametrize(
    "names",
    [
        ("01/Policy.pdf", "01/policy.PDF"),
        ("01/policy.pdf", "01/policy.pdf"),
        ("01/Report", "01/report/page.pdf"),
        ("01/Résumé.pdf", "01/Re\u0301sume\u0301.pdf"),  # NFC and NFD forms
    ],
)
def test_duplicate_names_including_case_are_refused(names):
    refused_with(make_zip({zipfile.ZipInfo(n): PDF for n in names}), ProblemCode.DUPLICATE_NAME)


@pytest.mark.parametrize("name", ["01/setup.exe", "01/run.BAT", "01/install.ps1", "01/a.pdf.js"])
def test_executables_and_scripts_are_refused_by_name(name):
    refused_with(make_zip({name: b"harmless bytes"}), ProblemCode.EXECUTABLE)


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01" + bytes(100),
        b"MZ" + bytes(58) + struct.pack("<L", 64) + b"PE\x00\x00" + bytes(100),
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["elf", "windows-pe", "shell-script"],
)
def test_executables_renamed_as_documents_are_refused_by_content(content):
    refused_with(make_zip({"01/report.pdf": content}), ProblemCode.EXECUTABLE)


def test_text_that_starts_with_mz_is_not_an_executable():
    files = valid_files(**{"01 - Management leadership/list.csv": b"MZ Contracting,3\n" * 10})
    assert inspect(make_zip(files), spec=SPEC).valid


def test_a_nested_zip_is_refused_by_name_and_by_content():
    inner = make_zip({"x.pdf": PDF}).getvalue()
    refused_with(make_zip({"01/more.zip": inner}), ProblemCode.NESTED_ARCHIVE)
    refused_with(make_zip({"01/report.pdf": inner}), ProblemCode.NESTED_ARCHIVE)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("01/a.7z", b"7z\xbc\xaf\x27\x1c" + bytes(30)),
        ("01/a.pdf", b"Rar!\x1a\x07\x00" + bytes(30)),
        ("01/a.pdf", b"\x1f\x8b\x08" + bytes(30)),
        ("01/a.pdf", bytes(257) + b"ustar\x0000" + bytes(250)),
        ("01/backup.tar.gz", b"anything"),
    ],
)
def test_other_archives_are_refused(name, content):
    refused_with(make_zip({name: content}), ProblemCode.NESTED_ARCHIVE)


def test_an_unsupported_compression_method_is_refused():
    buf = make_zip({"01/report.pdf": PDF}, method=zipfile.ZIP_BZIP2)
    refused_with(buf, ProblemCode.UNSUPPORTED_COMPRESSION)


def test_many_problems_of_one_kind_are_summarised():
    files = {f"01/tool{i}.exe": b"x" for i in range(40)}
    result = inspect(make_zip(files), spec=NO_STRUCTURE)
    exe = [p for p in result.problems if p.code == ProblemCode.EXECUTABLE]
    assert len(exe) == 26
    assert "15 more" in exe[-1].message


# --- names ------------------------------------------------------------------


def test_cp437_names_without_the_utf8_flag_are_decoded_as_cp437():
    name = "01 - Management leadership/Régime d'été.pdf"
    buf = raw_zip([(name.encode("cp437"), PDF, {})])
    result = inspect(buf, spec=NO_STRUCTURE)
    assert result.valid, result.problems
    assert result.entries[0].original_name == name


def test_utf8_names_with_the_flag_are_decoded_as_utf8():
    name = "02 - Évaluation des dangers/Analyse 安全.pdf"
    buf = make_zip({name: PDF})
    assert zipfile.ZipFile(buf).infolist()[0].flag_bits & 0x800
    result = inspect(buf, spec=NO_STRUCTURE)
    assert result.entries[0].original_name == name


def test_display_paths_are_nfc_so_mac_and_windows_zips_compare_equal():
    mac = inspect(make_zip({"01/Re\u0301sume\u0301.pdf": PDF}), spec=NO_STRUCTURE)
    windows = inspect(make_zip({"01/Résumé.pdf": PDF}), spec=NO_STRUCTURE)
    assert mac.entries[0].path == windows.entries[0].path == "Résumé.pdf"


def test_an_entry_without_a_name_is_refused():
    refused_with(raw_zip([(b"", PDF, {})]), ProblemCode.INVALID_NAME)


def test_an_info_zip_unicode_path_field_gives_the_display_name():
    real = "01/Sécurité.pdf"
    legacy = b"01/S?curit?.pdf"
    field = b"\x01" + struct.pack("<L", zlib.crc32(legacy)) + real.encode()
    extra = struct.pack("<HH", 0x7075, len(field)) + field
    result = inspect(raw_zip([(legacy, PDF, {"extra": extra})]), spec=NO_STRUCTURE)
    assert result.entries[0].path == "Sécurité.pdf"  # "01/" is the wrapping folder here
    assert result.entries[0].original_name == legacy.decode()


# --- structure --------------------------------------------------------------

SCSA_LIKE = (
    *(ExpectedElement(n, f"Section {n} name") for n in range(1, 14)),
    ExpectedElement(101, "Harassment prevention", supplemental=True),
    ExpectedElement(102, "Violence prevention", supplemental=True),
    ExpectedElement(103, "Working alone", supplemental=True),
)


@pytest.mark.parametrize(
    ("folder", "number"),
    [
        ("01 - Management leadership", 1),
        ("1. Management leadership", 1),
        ("1 Management leadership", 1),
        ("1_Management", 1),
        ("1) Management", 1),
        ("Element 1", 1),
        ("element 02", 2),
        ("Element 01 – Management leadership", 1),
        ("Element #3 - Hazard control", 3),
        ("E01", 1),
        ("E 3", 3),
        ("E02_Hazards", 2),
        ("Section 3", 3),
        ("Sec. 2 Hazards", 2),
        ("Élément 2 - Dangers", 2),
        ("Hazard control", 3),
        ("HAZARD IDENTIFICATION", 2),
        ("Hazard", None),  # the start of two names: no guess
        ("Company docs (Element 2)", 2),
        ("3", 3),
        ("2026 training records", None),
        ("Emergency", None),
        ("E-learning", None),
        ("Element 9", None),
    ],
)
def test_element_folders_match_in_any_usual_numbering_style(folder, number):
    assert element_for_folder(folder, ELEMENTS) == number


@pytest.mark.parametrize(
    ("folder", "number"),
    [
        ("13 - Legislation", 13),
        ("Supplemental 1", 101),
        ("Supplemental Section 2 - Violence", 102),
        ("14 - Harassment prevention", 101),
        ("16 Working alone", 103),
        ("Working alone", 103),
        ("17 - Other", None),
    ],
)
def test_supplemental_sections_match_by_position_word_or_name(folder, number):
    assert element_for_folder(folder, SCSA_LIKE) == number


@pytest.mark.parametrize(
    "folders",
    [
        ("01 - Policy", "02 - Hazards", "03 - Controls"),
        ("Element 1", "Element 2", "Element 3"),
        ("1. Policy", "2. Hazards", "3. Controls"),
        ("E01", "E02", "E03"),
        ("Element 01 – Policy", "Element 02 – Hazards", "Element 03 – Controls"),
        ("Section 1", "Section 2", "Section 3"),
    ],
)
def test_a_zip_in_each_numbering_style_passes_the_structure_check(folders):
    files = {"Company/Evaluation tool.xlsx": b"tool"}
    files.update({f"Company/{f}/doc.pdf": PDF for f in folders})
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid, result.problems
    assert result.problems == []
    assert sorted(e.element_number for e in result.entries if e.element_number) == [1, 2, 3]


def test_a_missing_element_folder_is_an_error():
    files = valid_files()
    del files["02 - Hazard identification/hazard assessment.pdf"]
    result = refused_with(make_zip(files), ProblemCode.MISSING_ELEMENT_FOLDER, spec=SPEC)
    assert "element 2" in result.problems[0].message
    assert "02 - Hazard identification and assessment" in result.problems[0].message


def test_an_empty_element_folder_is_a_warning():
    files = valid_files()
    del files["03 - Hazard control/controls.pdf"]
    files["03 - Hazard control/"] = b""
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert codes(result) == {ProblemCode.EMPTY_ELEMENT_FOLDER}
    assert result.problems[0].entry == "03 - Hazard control"


def test_unexpected_folders_and_loose_documents_are_warnings():
    files = valid_files(**{"Old stuff/a.pdf": PDF, "notes.pdf": PDF})
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert codes(result) == {ProblemCode.UNEXPECTED_FOLDER, ProblemCode.UNFILED_DOCUMENT}


def test_too_many_documents_for_a_sample_is_a_warning():
    files = valid_files(**{f"01 - Management leadership/m{i}.pdf": PDF for i in range(6)})
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert codes(result) == {ProblemCode.TOO_MANY_DOCUMENTS}
    assert "7 documents" in result.problems[0].message


def test_two_folders_for_one_element_is_a_warning():
    files = valid_files(**{"Element 1/more.pdf": PDF})
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert codes(result) == {ProblemCode.DUPLICATE_ELEMENT_FOLDER}


def test_a_missing_tool_document_is_a_warning():
    files = valid_files()
    del files["Audit tool 2026.pdf"]
    result = inspect(make_zip(files), spec=SPEC)
    assert result.valid
    assert codes(result) == {ProblemCode.MISSING_TOOL_DOCUMENT}


@pytest.mark.parametrize(
    "name",
    ["SECOR Audit Tool.pdf", "self-evaluation 2026.docx", "Outil d'évaluation.xlsx", "AUDIT.PDF"],
)
def test_the_tool_document_is_recognised_by_its_name(name):
    files = valid_files()
    del files["Audit tool 2026.pdf"]
    files[name] = PDF
    assert inspect(make_zip(files), spec=SPEC).problems == []


def test_the_tool_document_may_sit_in_its_own_folder():
    files = valid_files()
    del files["Audit tool 2026.pdf"]
    files["00 - Audit tool/completed.pdf"] = PDF
    assert inspect(make_zip(files), spec=SPEC).problems == []


def test_a_tool_named_image_is_not_the_tool_document():
    files = valid_files()
    del files["Audit tool 2026.pdf"]
    files["audit photo.jpg"] = PDF
    result = inspect(make_zip(files), spec=SPEC)
    assert ProblemCode.MISSING_TOOL_DOCUMENT in codes(result)


MAINTENANCE = StructureSpec(
    required_documents=(("Safe Work Practice|SWP", 2), ("Safe Job Procedure|SJP", 2))
)


def test_required_documents_are_counted_by_name_or_folder():
    files = {
        "Audit tool.pdf": PDF,
        "Safe Work Practices/ladders.pdf": PDF,
        "Safe Work Practices/lifting.pdf": PDF,
        "SJP - confined space.pdf": PDF,
        "sjp-lockout.docx": PDF,
    }
    result = inspect(make_zip(files), spec=MAINTENANCE)
    assert result.valid
    assert result.problems == []


def test_a_missing_required_document_is_a_warning_with_the_count():
    files = {"Audit tool.pdf": PDF, "Safe Work Practice - ladders.pdf": PDF}
    result = inspect(make_zip(files), spec=MAINTENANCE)
    assert result.valid
    missing = [p for p in result.problems if p.code == ProblemCode.MISSING_DOCUMENT]
    assert [p.message.split(" but has ")[1][:1] for p in missing] == ["1", "0"]


def test_plain_string_required_documents_need_one_each():
    spec = StructureSpec(
        require_tool_document=False,
        required_documents=("Site Assessment Form", "Audit Compliance Declaration"),
    )
    result = inspect(make_zip({"Site assessment form.pdf": PDF}), spec=spec)
    assert [p.code for p in result.problems] == [ProblemCode.MISSING_DOCUMENT]
    assert "Audit Compliance Declaration" in result.problems[0].message


# --- streaming one entry -----------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_iter_entry_streams_one_entry_in_chunks(method):
    big = os.urandom(300_000)
    buf = make_zip(valid_files(**{"01 - Management leadership/photo.jpg": big}), method=method)
    result = inspect(buf, spec=SPEC)
    entry = next(e for e in result.entries if e.path.endswith("photo.jpg"))
    chunks = list(iter_entry(buf, entry, max_bytes=MiB, chunk_size=64 * 1024))
    assert b"".join(chunks) == big
    assert max(len(c) for c in chunks) <= 64 * 1024


def test_iter_entry_refuses_an_entry_over_max_bytes():
    buf = make_zip(valid_files())
    entry = next(e for e in inspect(buf, spec=SPEC).entries if not e.is_dir)
    with pytest.raises(EntryReadError) as raised:
        list(iter_entry(buf, entry, max_bytes=10))
    assert raised.value.code == ProblemCode.TOO_LARGE


def test_iter_entry_notices_a_file_changed_since_inspection():
    data = bytearray(make_zip({"01/report.pdf": PDF}, method=zipfile.ZIP_STORED).getvalue())
    entry = inspect(io.BytesIO(bytes(data)), spec=NO_STRUCTURE).entries[0]
    data[data.index(b"report body")] ^= 0x01
    with pytest.raises(EntryReadError) as raised:
        list(iter_entry(io.BytesIO(bytes(data)), entry, max_bytes=MiB))
    assert raised.value.code == ProblemCode.CRC_MISMATCH


# --- from the audit tool -----------------------------------------------------


def test_spec_for_tool_lists_the_tools_elements_supplemental_included(other_association):
    from audits.models import AuditTool
    from secor.tenancy import activate

    from ..audits.factories import seeded

    program = seeded(other_association, "scsa")
    with activate(other_association):
        tool = AuditTool.objects.filter(program=program, status="published").latest("version")
    spec = spec_for_tool(tool)  # outside any scope: the function opens the tool's own
    assert len(spec.elements) == 16
    assert [e.number for e in spec.elements if e.supplemental] == [101, 102, 103]
    assert spec.require_tool_document
    assert spec.max_documents_per_folder


def test_an_oversized_central_directory_is_refused_before_zipfile_reads_it():
    files = {f"01/{'long name ' * 20}{i}.pdf": b"" for i in range(20)}
    buf = make_zip(files, method=zipfile.ZIP_STORED)
    refused_with(buf, ProblemCode.TOO_MANY_ENTRIES, limits=Limits(max_directory_bytes=2000))


def test_damaged_zips_never_raise():
    """Random damage anywhere in a zip gives problems, never an exception (no 500s)."""
    import random

    rng = random.Random(9)
    for _ in range(300):
        data = bytearray(
            make_zip(
                {
                    "01 - Management leadership/a.pdf": PDF,
                    "Element 2/b.jpg": os.urandom(rng.randint(0, 3000)),
                    "E03/c.txt": b"a" * rng.randint(0, 5000),
                },
                method=rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
            ).getvalue()
        )
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[at] = rng.randrange(256)
            else:
                del data[at : at + rng.randint(1, 40)]
        result = inspect(io.BytesIO(bytes(data)), spec=SPEC)
        assert result.valid == (not result.errors)
        for entry in result.entries:
            with contextlib.suppress(EntryReadError):
                b"".join(iter_entry(io.BytesIO(bytes(data)), entry, max_bytes=MiB))
