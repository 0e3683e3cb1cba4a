"""What a document file is, read from its bytes (never from its name): PDF, PNG, JPEG, XLSX,
plain UTF-8 text or CSV. Anything else, or a file over the size limit, is refused with a
message that says why; the caller stores nothing then."""

from __future__ import annotations

import csv
import io
import zipfile

MAX_FILE_BYTES = 10 * 1024 * 1024  # one document
MAX_IMPORT_BYTES = 50 * 1024 * 1024  # every document of one import together
MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # a workbook's members, unpacked (zip bombs)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
CSV = "text/csv"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", TEXT: ".txt", CSV: ".csv"}
ACCEPTED = "PDF, PNG, JPEG, XLSX, plain text (UTF-8) or CSV"


class Refused(Exception):
    """A file that may not be stored, and why (a sentence for the person who sent it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB"


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED:
                raise Refused("the workbook would unpack to more than 100 MB (a possible zip bomb)")
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _text(data: bytes) -> str | None:
    """The file as text if it is UTF-8 without control characters (other than tab and line breaks)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text) or "\x7f" in text:
        return None
    return text


def _looks_like_csv(text: str, name: str) -> bool:
    if not name.lower().endswith(".csv"):
        return False
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() > 1


def sniff(data: bytes, name: str = "") -> str:
    """The media type of `data` judged by its content, or Refused. `name` only tells a CSV
    (which is also plain text) from other text; it never makes a file acceptable."""
    if len(data) == 0:
        raise Refused("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise Refused(
            f"the file is {_megabytes(len(data))}, more than the limit of {_megabytes(MAX_FILE_BYTES)}"
        )
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        if _is_xlsx(data):
            return XLSX
        raise Refused(f"the file is a zip archive but not an Excel workbook; accepted: {ACCEPTED}")
    text = _text(data)
    if text is not None:
        return CSV if _looks_like_csv(text, name) else TEXT
    what = (
        "a Windows program"
        if data.startswith(b"MZ")
        else "an executable"
        if data.startswith(b"\x7fELF")
        else None
    )
    start = f"the file is {what}" if what else "the file's content is of no accepted type"
    return _refuse(f"{start}, whatever its name says; accepted: {ACCEPTED}")


def _refuse(reason: str) -> str:
    raise Refused(reason)
