"""The scoring reports and briefings a user downloads: PDF (fpdf2) and self-contained HTML
(report.py). No Streamlit; built from charts/ figures, data/ and wording/."""
