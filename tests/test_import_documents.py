"""Documents in an import (issue 23): documents.csv names files of the zip or folder,
document_links.csv ties them to evidence rows; all or nothing, errors name file, line, column."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb

from data.cli import main
from data.documents import store
from data.importing.importer import apply_import
from tests.import_world import WORLD, file_state, new_db, write_files

PDF = b"%PDF-1.4\n% fictional monitoring report\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
DOCS = (
    "document_id,file,title,kind,date,visibility,company_id\n"
    "D1,reports/cs1.pdf,Audit of Factory One,monitoring_report,2024-04-01,affiliates_and_company,CO1\n"
    "D2,letter.txt,Disclosure letter R1,Disclosure letter,2024-02-15,staff,CO1\n"
)
LINKS = (
    "document_id,evidence,request_id,factory_id,disclosed_on,recorded_on,case_id,finding_id,event_id\n"
    "D1,cases,,,,,CS1,,\n"
    "D1,findings,,,,,,FN1,\n"
    "D2,disclosures,R1,FA1,2024-02-15,,,,\n"
)


def world(tmp_path: Path) -> Path:
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "world", WORLD)]) == 0
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_folder_with_documents_imports_the_files_and_their_links(tmp_path: Path, capsys) -> None:
    db = world(tmp_path)
    folder = tmp_path / "in"
    write_files(folder, {"documents.csv": DOCS, "document_links.csv": LINKS, "letter.txt": "Dear brand,\n"})
    write_files(folder / "reports", {"cs1.pdf": PDF})
    assert main(["import", "--db", str(db), str(folder)]) == 0
    out = capsys.readouterr().out
    assert "documents" in out
    docs = rows(
        db,
        "SELECT document_id, kind, visibility, media_type, size_bytes, sha256, uploaded_by FROM documents ORDER BY 1",
    )
    assert [d[:5] for d in docs] == [
        ("D1", "monitoring_report", "affiliates_and_company", "application/pdf", len(PDF)),
        ("D2", "disclosure_letter", "staff", "text/plain", 12),
    ]
    assert store.read(db, docs[0][5]) == PDF  # kept by hash beside the database
    assert (db.parent / "cpt.duckdb.documents" / docs[0][5]).is_file()
    assert docs[0][6]  # who imported it
    links = rows(
        db,
        "SELECT document_id, evidence, coalesce(case_id, finding_id, request_id) FROM document_links ORDER BY ALL",
    )
    assert links == [("D1", "cases", "CS1"), ("D1", "findings", "FN1"), ("D2", "disclosures", "R1")]
    # importing the same again changes nothing and adds no duplicate link
    assert main(["import", "--db", str(db), str(folder)]) == 0
    assert len(rows(db, "SELECT * FROM document_links")) == 3


def test_a_zip_with_tables_and_documents_is_one_import(tmp_path: Path) -> None:
    db = world(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/documents.csv", DOCS)
        archive.writestr("batch/document_links.csv", LINKS)
        archive.writestr("batch/reports/cs1.pdf", PDF)
        archive.writestr("batch/letter.txt", "Dear brand,\n")
        archive.writestr(
            "batch/cases.csv",
            "case_id,company_id,factory_id,opened_on,title\nCS1,CO1,FA1,2024-04-01,Renamed\n",
        )
    plan = apply_import(db, [("upload.zip", buffer.getvalue())], who="test")
    assert plan.applied, [str(e) for e in plan.errors]
    assert plan.counts["documents"].inserted == 2 and plan.counts["document_links"].inserted == 3
    assert rows(db, "SELECT title FROM cases WHERE case_id = 'CS1'") == [("Renamed",)]


def _refused(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    db = world(tmp_path)
    before = file_state(db)
    plan = apply_import(
        db, [(n, c.encode() if isinstance(c, str) else c) for n, c in files.items()], who="test"
    )
    assert not plan.applied
    assert file_state(db) == before  # nothing written
    folder = store.folder(db)
    assert not folder.exists() or not any(folder.iterdir())  # no file kept
    return [str(e) for e in plan.errors]


def test_a_renamed_exe_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    errors = _refused(tmp_path, {"documents.csv": DOCS, "document_links.csv": LINKS,
                                 "reports/cs1.pdf": EXE, "letter.txt": "Dear brand,\n"})  # fmt: skip
    assert errors == [
        "documents.csv:2: file: reports/cs1.pdf: the file is a Windows program, whatever its name says; "
        "accepted: PDF, PNG, JPEG, XLSX, plain text (UTF-8) or CSV; nothing was stored"
    ]


def test_errors_name_file_line_column(tmp_path: Path) -> None:
    docs = (
        "document_id,file,title,kind,date,visibility,company_id\n"
        "D1,cs1.pdf,Audit,brochure,2024-04-01,everyone,CO1\n"
        "D2,missing.pdf,Audit,other,2099-01-01,staff,CO1\n"
        "D3,cs1.pdf,Audit,other,2024-01-01,staff,CO9\n"
    )
    links = (
        "document_id,evidence,request_id,factory_id,disclosed_on,recorded_on,case_id,finding_id,event_id\n"
        "D3,cases,,,,,CS404,,\n"
        "D9,cases,,,,,CS1,,\n"
        "D3,payments,,,,,CS1,,\n"
        "D3,findings,,,,,CS1,,\n"
    )
    errors = _refused(tmp_path, {"documents.csv": docs, "document_links.csv": links, "cs1.pdf": PDF})
    assert "documents.csv:2: kind: not a kind of document; one of monitoring_report, disclosure_letter, due_diligence_statement, remediation_plan, verification_report, other" in errors  # fmt: skip
    assert any(e.startswith("documents.csv:2: visibility: not a visibility") for e in errors)
    assert any(e.startswith("documents.csv:3: date: in the future") for e in errors)
    assert any(e.startswith("documents.csv:3: file: no file 'missing.pdf' in the import") for e in errors)
    assert any(e.startswith("document_links.csv:4: evidence: not an evidence table") for e in errors)
    assert "document_links.csv:5: finding_id: required for a link to findings" in errors
    assert "document_links.csv:5: case_id: must be empty for a link to findings" in errors


def test_a_link_must_name_evidence_of_the_documents_own_company(tmp_path: Path) -> None:
    docs = "document_id,file,title,kind,date,visibility,company_id\nD1,cs1.pdf,Audit,other,2024-04-01,staff,CO2\n"
    links = "document_id,evidence,case_id\nD1,cases,CS1\nD1,cases,CS404\nD7,cases,CS1\n"
    errors = _refused(tmp_path, {"documents.csv": docs, "document_links.csv": links, "cs1.pdf": PDF})
    assert errors == [
        "document_links.csv:2: document_id: the document concerns company 'CO2' but this cases row concerns 'CO1'",
        "document_links.csv:3: case_id: no cases row CS404 in the database or the import",
        "document_links.csv:4: document_id: no document 'D7' in documents.csv or the database",
    ]


def test_a_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    from data.documents import sniff

    monkeypatch.setattr(sniff, "MAX_FILE_BYTES", 20)
    docs = "document_id,file,title,kind,date,visibility,company_id\nD1,cs1.pdf,Audit,other,2024-04-01,staff,CO1\n"
    errors = _refused(tmp_path, {"documents.csv": docs, "cs1.pdf": PDF})
    assert len(errors) == 1 and "more than the limit of" in errors[0]


def test_a_document_survives_backup_and_restore(tmp_path: Path) -> None:
    from data.store import list_backups, writes

    db = world(tmp_path)
    folder = tmp_path / "in"
    write_files(folder, {"documents.csv": DOCS, "document_links.csv": LINKS, "letter.txt": "Dear brand,\n"})
    write_files(folder / "reports", {"cs1.pdf": PDF})
    assert main(["import", "--db", str(db), str(folder)]) == 0
    sha = rows(db, "SELECT sha256 FROM documents WHERE document_id = 'D1'")[0][0]
    # a later import (the file with the document becomes a backup), then restore that backup
    later = write_files(tmp_path / "later", {"cases.csv": "case_id,company_id,factory_id,opened_on,title\nCS1,CO1,FA1,2024-04-01,Later\n"})  # fmt: skip
    assert main(["import", "--db", str(db), *later]) == 0
    writes.restore(db, list_backups(db)[0])
    assert rows(db, "SELECT title FROM cases WHERE case_id = 'CS1'") != [("Later",)]
    assert rows(db, "SELECT document_id FROM documents ORDER BY 1") == [("D1",), ("D2",)]
    assert store.read(db, sha) == PDF  # the file is still there for the restored rows


def test_an_old_backup_without_document_tables_restores(tmp_path: Path) -> None:
    from data.store import writes

    db = world(tmp_path)
    old = tmp_path / "old.duckdb"
    import shutil

    shutil.copyfile(db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP TABLE document_links")
        con.execute("DROP TABLE documents")
    writes.restore(db, old)
    from data.queries import documents as q
    from data.queries.contracts import Viewer

    with duckdb.connect(str(db), read_only=True) as con:
        assert q.for_company(con.cursor(), "CO1", Viewer("admin")).empty  # read as "no documents"
    files = [("documents.csv", DOCS.encode()), ("letter.txt", b"Dear brand,\n"), ("reports/cs1.pdf", PDF)]
    assert apply_import(db, files, who="test").applied  # the next write adds the tables


def test_the_full_export_holds_the_documents_and_imports_back(tmp_path: Path, capsys) -> None:
    db = world(tmp_path)
    folder = tmp_path / "in"
    write_files(folder, {"documents.csv": DOCS, "document_links.csv": LINKS, "letter.txt": "Dear brand,\n"})
    write_files(folder / "reports", {"cs1.pdf": PDF})
    assert main(["import", "--db", str(db), str(folder)]) == 0
    out = tmp_path / "export"
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert "documents: 2 files" in capsys.readouterr().out
    exported = (out / "documents.csv").read_text()
    sha = store.digest(PDF)
    assert (
        f"D1,documents/{sha}.pdf,Audit of Factory One,monitoring_report,2024-04-01,affiliates_and_company,CO1"
        in exported
    )
    assert (out / "documents" / f"{sha}.pdf").read_bytes() == PDF
    assert (out / "document_links.csv").read_text().count("\n") == 4
    fresh = new_db(tmp_path / "fresh.duckdb")
    assert main(["import", "--db", str(fresh), str(out)]) == 0
    query = "SELECT document_id, sha256, title, kind, document_date, visibility, company_id FROM documents ORDER BY 1"
    assert rows(fresh, query) == rows(db, query)
    assert rows(fresh, "SELECT * FROM document_links ORDER BY ALL") == rows(
        db, "SELECT * FROM document_links ORDER BY ALL"
    )
    assert store.read(fresh, sha) == PDF


def test_the_preview_counts_documents_and_writes_nothing(tmp_path: Path) -> None:
    from data.importing.importer import validate_files

    db = world(tmp_path)
    files = [("documents.csv", DOCS.encode()), ("document_links.csv", LINKS.encode()),
             ("reports/cs1.pdf", PDF), ("letter.txt", b"Dear brand,\n")]  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as con:
        plan = validate_files(files, con.cursor())
    assert plan.ok, [str(e) for e in plan.errors]
    assert plan.counts["documents"].inserted == 2 and plan.counts["document_links"].inserted == 3
    assert plan.total_rows == 5
    assert not store.folder(db).exists()  # nothing stored before Apply
