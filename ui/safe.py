"""Text from the data shown as it is: every value that reaches Streamlit's markdown
(captions, alerts, headers, labels of tiles and expanders, help) goes through `md`.

A partner called `**Big** ![x](http://host/x.png)` must read exactly so, not in
bold with an image fetched from that host. Marks that do nothing where they stand
are left alone, so names such as `Smith & Co. (North)` read unchanged in tests
and in the page source.
"""

from __future__ import annotations

import re

# Marks that act anywhere in a line: the backslash itself, emphasis, code spans,
# links and images, HTML, strikethrough, tables, LaTeX ($), Streamlit's colours
# and icons (:red[...], :material/...:, :smile:).
_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>~|$:])")
# Marks that act at the start of a line: headings, quotes, lists, rules and
# setext underlines (`1.`, `2)`), and an HTML entity such as `&lt;`.
_LINE_START = re.compile(r"^(\s*)([-+=#])", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
_ENTITY = re.compile(r"&(?=#?\w+;)")
# GFM turns `http://...`, `www....` and `name@host.tld` in the text into links
# after escapes are read; an invisible word joiner (U+2060) inside each keeps them
# text.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)\b(https?(?=\\:)|www(?=\.))|(?=@)")


def md(value: object) -> str:
    """`value` as markdown that shows its text literally."""
    text = _ANYWHERE.sub(r"\\\1", str(value))
    text = _LINE_START.sub(r"\1\\\2", text)
    text = _LIST_NUMBER.sub(r"\1\\\2", text)
    text = _ENTITY.sub(r"\\&", text)
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, text)
