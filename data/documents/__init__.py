"""Source documents (issue 23): the files behind the evidence (monitoring reports, disclosure
letters, verification reports...), stored by content hash beside the database file.

    sniff.py      what a file is, judged by its bytes; size limits; Refused
    store.py      the folder, saving and reading by sha256, kinds and visibility in words, who may see
    importing.py  documents.csv and document_links.csv in an import (all or nothing)
"""
