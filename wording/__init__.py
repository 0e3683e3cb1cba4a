"""The methodology in words: what pages, reports and briefings say about the scores.

`narrative` (why-tables and explanations in sentences), `summary` (leaderboard, peer context,
strengths and gaps as shown) and `talking` (talking points for a meeting) turn the scoring's
plain results into text. They read scoring/ (never the other way: scoring holds the methodology
only, and editing a sentence here keeps every saved score series) and never import Streamlit.
"""
