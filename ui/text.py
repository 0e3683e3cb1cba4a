"""One rendering rule for untrusted text (DESIGN.md, "Access control").

Anything that comes from the database or the URL (names, titles, notes, query
parameters, messages that quote them) is shown as text, never as Markdown or HTML:
no links, images, colours, icons or emoji from data. Streamlit renders the body of
`st.markdown`, `st.title`, `st.caption`, `st.error`/`st.info`/... and widget labels
as Markdown (with its own `:red[...]`, `:material/...:` and emoji-shortcode
extensions), so such values are escaped before they are put into one:

* `md_escape(value)`: the value as Markdown that shows exactly its characters.
* `md(template, *values)`: a constant Markdown template (`str.format` syntax) filled
  with escaped values, e.g. `st.error(md("Company “{}” is not available.", wanted))`.

`st.markdown` & co. are called only on constant strings or on what these return;
`st.text`, `st.dataframe` and widget options (`format_func`) show text as text anyway.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata

ELLIPSIS = "…"
# Backslash-escaped ASCII punctuation is never Markdown syntax (CommonMark). Escaped always:
# what can start emphasis, code, links, images, HTML, entities (&), math ($), tables (|),
# strike-through (~), Streamlit directives (:red[...]) and autolinks (":", "@"). Left as they
# are, for readable values: , ; ? ' " % / = - . (syntax only at the start of a line, where a
# value's first character is escaped as well: "- x", "= x", "1. x").
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+!|~:$@&^])")
_LINE_START = re.compile(r"^( *)([-=]|\d+(?=\.))")
# Some syntax is found in the text *after* parsing, where escapes no longer count: Streamlit's
# ":name:" emoji and Material-icon shortcodes, and GFM's bare-URL and e-mail autolinks
# ("https://...", "www.example", "name@example.org"). A word joiner (U+2060, invisible) after
# every colon and "@", and between "www" and ".", keeps those patterns from matching.
WORD_JOINER = "\u2060"
_AFTER_PARSE = re.compile(r"(\\[:@])|(www)(?=\.)", re.IGNORECASE)
_WHITESPACE = re.compile(r"[\t\n\r\f\v\u2028\u2029]+")


def plain(value: object, limit: int | None = None) -> str:
    """The value as one line of printable text: None becomes "", control and bidirectional
    formatting characters are dropped (they could hide or reorder what is shown), line
    breaks and tabs become one space; cut to `limit` characters with an ellipsis."""
    text = "" if value is None else str(value)
    text = _WHITESPACE.sub(" ", text)
    text = "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200d"
    )  # keep the zero-width joiner of emoji sequences; drop NUL, ESC, RLO, LRI, ...
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + ELLIPSIS
    return text


def md_escape(value: object, limit: int | None = None) -> str:
    """Markdown that Streamlit shows as exactly these characters (see `plain`)."""
    escaped = _PUNCTUATION.sub(r"\\\1", plain(value, limit))
    escaped = _LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) in "-=" else m.group(2) + "\\"), escaped
    )
    return _AFTER_PARSE.sub(lambda m: (m.group(1) or m.group(2)) + WORD_JOINER, escaped)


_SAFE_TYPES = (int, float, decimal.Decimal, dt.date, dt.datetime, dt.time)


def _text_arg(value: object) -> object:
    # Numbers and dates keep their format specs ("{:.1f}", "{:%Y-%m-%d}"); bool is an int.
    if isinstance(value, _SAFE_TYPES) and not isinstance(value, str):
        return value
    try:
        import pandas as pd

        if isinstance(value, pd.Timestamp) and not pd.isna(value):
            return value
    except ImportError:  # pragma: no cover
        pass
    return md_escape(value)


def md(template: str, *values: object, **named: object) -> str:
    """A constant Markdown `template` (`str.format` syntax) filled with values shown as text.

    Strings and other objects are escaped with `md_escape`; numbers and dates are left as
    they are so format specs work. The template itself must be a constant in the code.
    """
    return template.format(*(_text_arg(v) for v in values), **{k: _text_arg(v) for k, v in named.items()})
