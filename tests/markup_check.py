"""Whether text shown on a page could still act as Markdown (links, images, HTML, ...): helpers
shared by tests/test_untrusted_text.py (which tests live_markup itself) and tests/test_hostile_pages.py."""

from __future__ import annotations

import re


def live_markup(body: str) -> list[str]:
    """Markdown in `body` that Streamlit would turn into a link, image, colour, icon, emoji,
    HTML, entity, code, math or autolink: every such construct needs an unescaped character.
    (Emphasis is left out: the constant templates around escaped values use it.)"""
    found = []
    unescaped = r"(?<!\\)"
    patterns = {
        "link or image": unescaped + r"\]\(",
        "image": unescaped + r"!\[",
        "directive or shortcode": unescaped + r":[A-Za-z/]",
        "html": unescaped + r"<[A-Za-z/!]",
        "entity": unescaped + r"&[#A-Za-z0-9]+;",
        "code": unescaped + r"`",
        "math": unescaped + r"\$",
        "url autolink": r"https?:/",
        "www autolink": r"(?i)www\.",
        "e-mail autolink": r"@[A-Za-z0-9]",
    }
    for name, pattern in patterns.items():
        if re.search(pattern, body):
            found.append(name)
    return found


def bodies(at) -> list[str]:
    return [
        str(e.value)
        for kind in (
            "title",
            "header",
            "subheader",
            "caption",
            "markdown",
            "info",
            "error",
            "warning",
            "success",
        )
        for e in at.get(kind)
    ]
