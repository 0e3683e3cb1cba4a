"""The document store (issue 23): types judged by content, size limits, files kept by hash
beside the database file, and who may open which document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from data.documents import sniff, store

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "report.pdf", sniff.PDF),
        (PDF, "report.txt", sniff.PDF),  # the content decides, not the name
        (PNG, "photo.png", sniff.PNG),
        (JPEG, "photo.jpeg", sniff.JPEG),
        (_xlsx(), "wages.xlsx", sniff.XLSX),
        ("Audit notes, café visit\n".encode(), "notes.txt", sniff.TEXT),
        (b"worker,hours\nA,60\nB,72\n", "hours.csv", sniff.CSV),
    ],
)
def test_accepted_types_are_recognised_by_their_content(data: bytes, name: str, expected: str) -> None:
    assert sniff.sniff(data, name) == expected


def test_a_renamed_exe_is_refused_as_a_pdf() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
    with pytest.raises(sniff.Refused, match="Windows program, whatever its name says"):
        sniff.sniff(exe, "monitoring-report.pdf")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "executable"),
        (b"", "empty"),
        (b"GIF89a" + b"\x00\x01" * 10, "no accepted type"),
        (b"PK\x03\x04not really a zip", "zip archive but not an Excel workbook"),
    ],
)
def test_other_content_is_refused_with_the_reason(data: bytes, why: str) -> None:
    with pytest.raises(sniff.Refused, match=why):
        sniff.sniff(data, "x.pdf")


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff, "MAX_FILE_BYTES", 100)
    with pytest.raises(sniff.Refused, match="more than the limit"):
        sniff.sniff(PDF + b"x" * 200, "big.pdf")


def test_files_are_kept_by_their_hash_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "cpt.duckdb"
    sha, new = store.save(db, PDF)
    assert new and sha == store.digest(PDF)
    assert (tmp_path / "cpt.duckdb.documents" / sha).read_bytes() == PDF
    assert store.save(db, PDF) == (sha, False)  # the same content is one file
    assert store.read(db, sha) == PDF
    (tmp_path / "cpt.duckdb.documents" / sha).write_bytes(b"tampered")
    assert store.read(db, sha) is None  # a file that no longer matches its hash is not served
    assert store.read(db, "../../etc/passwd") is None


@pytest.mark.parametrize(
    ("role", "own", "visibility", "concerns", "allowed"),
    [
        ("admin", None, "staff", "C1", True),
        ("affiliate", None, "staff", "C1", False),
        ("affiliate", None, "affiliates", "C1", True),
        ("affiliate", None, "affiliates_and_company", "C1", True),
        ("company", "C1", "affiliates", "C1", False),
        ("company", "C1", "affiliates_and_company", "C1", True),
        ("company", "C2", "affiliates_and_company", "C1", False),
        (None, None, "affiliates_and_company", "C1", False),
    ],
)
def test_who_may_open_a_document(role, own, visibility, concerns, allowed) -> None:
    assert store.may_see(role, own, visibility, concerns) is allowed


def test_a_link_reads_as_kind_and_date() -> None:
    from datetime import date

    assert store.label("monitoring_report", date(2025, 3, 14)) == "Monitoring report, 2025-03-14"
    assert store.label("verification_report", "2025-06-01") == "Verification report, 2025-06-01"
