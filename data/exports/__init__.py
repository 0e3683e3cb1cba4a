"""What leaves the store as a file: the CSV/Excel download helper that cannot run formulas
(spreadsheet), every evidence table as `<table>.csv` (tables_dump) and deadlines as an
iCalendar file (ical)."""
