"""Text: bytes to CSV text (encoding, NUL and binary data, line endings), the
delimiter, the header row, the report-export footer and blank lines."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

TRIM_CHARS = " \t\r\n\u00a0"
DELIMITERS = {",": "','", ";": "';'", "\t": "'\t'"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# NUL bytes inside fields are kept as this character until their rows and
# columns are known, then removed (see rules.nul_bytes).
NUL_MARK = "\ue000"

codecs.register_error(
    "latin1_fallback", lambda e: (e.object[e.start : e.end].decode("latin-1"), e.end)
)


def short(value: str, limit: int = 60) -> str:
    """A value shortened to one line of `limit` characters (for messages)."""
    text = value.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class NotCsvText(Exception):
    """The bytes are not CSV text."""


_CONTROL = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)) + b"\x7f"


class MixedEncodings(NotCsvText):
    """Some lines are UTF-8 and others are not: no one decoding reads them all."""


# How UTF-8 writes the accented letters, symbols and curly quotes a Windows-1252
# file would hold as one byte; in Windows-1252 text these pairs (`Ã©`, `Â£`,
# `â€™`) are almost only ever such UTF-8 misread.
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x80-\xbf]")


def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding name: a BOM decides, else valid UTF-8, else Windows-1252
    (Latin-1 for its five undefined bytes). Raises NotCsvText for binary data and
    MixedEncodings for a file with UTF-8 and other lines."""
    kind = binary_kind(content)
    if kind is not None:
        raise NotCsvText(f"it is {kind}, not a CSV file")
    utf16 = _utf16_codec(content)
    if utf16 is not None:
        try:
            text = content.decode(utf16)
        except UnicodeDecodeError as error:
            raise NotCsvText("it is not valid UTF-16 text") from error
        _check_control(text.encode("utf-8"))
        return text, "UTF-16" if utf16 == "utf-16" else "UTF-16 (no byte-order mark)"
    _check_control(content)
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as error:
            raise NotCsvText("it starts with a UTF-8 mark but is not UTF-8") from error
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_LATIN.search(content):
        _check_mixed(content)
    name = "Windows-1252" if re.search(rb"[\x80-\x9f]", content) else "ISO-8859-1"
    return content.decode("cp1252", errors="latin1_fallback"), name


def mark_nuls(text: str) -> str:
    """The text with its (isolated) NUL characters as NUL_MARK."""
    return text.replace("\x00", NUL_MARK) if "\x00" in text else text


def _utf16_codec(content: bytes) -> str | None:
    """ "utf-16" for a UTF-16 byte-order mark; "utf-16-le"/"-be" for text without
    one whose every other byte is NUL (as ASCII text in UTF-16 is); else None."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(content) < 4 or len(content) % 2:
        return None
    half = len(content) // 2
    for codec, zeros, other in (
        ("utf-16-le", content[1::2], content[0::2]),
        ("utf-16-be", content[0::2], content[1::2]),
    ):
        if zeros.count(0) >= 0.9 * half and other.count(0) == 0:
            return codec
    return None


def _check_mixed(content: bytes) -> None:
    """Raise MixedEncodings naming a UTF-8 line and a line that is not UTF-8. The
    last line may end inside a character (the start of a file read for its header)."""
    utf8_line = other_line = None
    lines = content.split(b"\n")
    for number, line in enumerate(lines, start=1):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(
                line, final=number < len(lines)
            )
        except UnicodeDecodeError:
            other_line = other_line or (number, line)
        else:
            if utf8_line is None and _UTF8_LATIN.search(line):
                utf8_line = (number, line)
        if utf8_line and other_line:
            raise MixedEncodings(
                f"the file mixes text encodings: line {utf8_line[0]} is UTF-8"
                f" ({_sample(utf8_line[1], 'utf-8')}) but line {other_line[0]} is"
                f" not ({_sample(other_line[1], 'cp1252')}); save the whole file"
                " again in one encoding (UTF-8)"
            )


def _sample(line: bytes, encoding: str) -> str:
    text = line.decode(encoding, errors="replace").strip()
    return "'" + short(text) + "'"


def _check_control(data: bytes) -> None:
    """Refuse binary data: other control characters, or NUL bytes that are not a
    few isolated ones in text (a Data Export's rich-text cells begin with one)."""
    nuls = data.count(0)
    controls = len(data) - len(data.translate(None, _CONTROL)) - nuls
    isolated = b"\x00\x00" not in data and nuls <= 8 + len(data) // 1000
    if nuls and (controls or not isolated):
        raise NotCsvText("it contains NUL bytes (a binary file, not CSV text)")
    if controls > max(8, len(data) // 1000):
        raise NotCsvText("it contains binary data, not CSV text")


# What binary files are, by their first bytes.
SIGNATURES = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
)


def binary_kind(content: bytes) -> str | None:
    """What a binary file is, from its first bytes (an Excel workbook, a zip or
    gzip archive, an image, a PDF), else None."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            if kind == "a zip archive" and b"xl/" in content[:4096]:
                return "an Excel workbook (.xlsx)"
            return kind
    return None


def _normalise_newlines(text: str) -> str:
    """CRLF and a lone CR end a line like LF (Python's universal newlines): a stray
    CR left in a file with LF line ends would stop Python's and DuckDB's readers."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _choose_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: the most frequent outside quotes in the header."""
    bare = re.sub(r'"(?:[^"]|"")*"', "", header_line)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _is_blank(line: str, delimiter: str) -> bool:
    return not line.replace(delimiter, "").strip(TRIM_CHARS)


def _is_footer_line(line: str, delimiter: str) -> bool:
    """A single-field line: one quoted field, or text without quotes or delimiters
    (trailing empty fields allowed, as a spreadsheet pads them)."""
    d = re.escape(delimiter)
    text = line.strip(TRIM_CHARS)
    quoted = rf'"(?:[^"]|"")*"(?:\s*{d})*'
    bare = rf"[^\"{d}]+(?:\s*{d})*"
    return bool(text) and bool(re.fullmatch(quoted, text) or re.fullmatch(bare, text))


def split_footer(text: str, delimiter: str) -> tuple[str, int]:
    """The text without the report-export footer, and how many footer lines went.

    A footer is a trailing block of single-field lines (`"Grand Totals (5 records)"`,
    `"Confidential Information - Do Not Distribute"`, `Copyright (c) ...`,
    `"Generated By: ..."`, the company name) set apart by at least one blank line."""
    tail_start = max(0, len(text) - 65536)
    if tail_start:
        tail_start = (
            text.index("\n", tail_start) + 1 if "\n" in text[tail_start:] else 0
        )
    lines = text[tail_start:].split("\n")
    # Walk up over blank and single-field lines (a report footer may hold blank lines
    # of its own between `Grand Totals` and `Confidential ...`); the block is a footer
    # when it has footer lines and is set apart from the data by a blank line.
    i, footer = len(lines) - 1, 0
    while i > 0 and len(lines) - i <= 40:
        if _is_blank(lines[i], delimiter):
            i -= 1
        elif _is_footer_line(lines[i], delimiter):
            footer += 1
            i -= 1
        else:
            break
    first = i + 1
    while first < len(lines) and not _is_blank(lines[first], delimiter):
        first += 1  # footer-like lines right under the data are data
    footer = sum(1 for line in lines[first:] if not _is_blank(line, delimiter))
    if not footer:
        return text, 0
    end = tail_start + sum(len(line) + 1 for line in lines[:first])
    return text[:end].rstrip("\n") + "\n", footer


def _mark_blank_lines(body: str) -> str:
    """Put a space on empty lines outside quotes: DuckDB skips empty lines, and a
    row number must count them as the user's spreadsheet does."""
    pieces, last, counted, parity = [], 0, 0, 0
    pos = body.find("\n\n")
    while pos != -1:
        parity = (parity + body.count('"', counted, pos)) % 2
        counted = pos
        if parity == 0:
            pieces.append(body[last : pos + 1])
            pieces.append(" ")
            last = pos + 1
        pos = body.find("\n\n", pos + 1)
    pieces.append(body[last:])
    return "".join(pieces)


@dataclass
class PreparedText:
    body: str  # header line and data, ready for DuckDB
    headers: list[str]
    delimiter: str
    footer_lines: int
    unreadable_header: str = ""


def prepare_text(text: str) -> PreparedText:
    """Line endings, an Excel `sep=` line, leading blank lines, the delimiter, the
    header and the footer (no headers, and the reason, when the header row cannot
    be read)."""
    text = _normalise_newlines(text)
    forced = re.match(r"sep=([,;\t])\n", text)
    if forced:
        text = text[forced.end() :]
    text = re.sub(r"^(?:[ \t\u00a0]*\n)+", "", text)
    end = text.find("\n")
    first_line = text if end == -1 else text[:end]
    delimiter = forced.group(1) if forced else _choose_delimiter(first_line)
    reader = csv.reader(
        io.StringIO(text[: len(first_line) + 65536]), delimiter=delimiter
    )
    try:
        first_row, unreadable = next(reader, []), ""
    except csv.Error:  # NUL and stray CR are gone: a field beyond the csv limit
        first_row, unreadable = (
            [],
            (
                "the header row cannot be read: a field in it is longer than"
                f" {csv.field_size_limit():,} characters (or a quote in it never"
                " closes)"
            ),
        )
    headers = [
        h.replace("\ufeff", "").replace(NUL_MARK, "").strip(TRIM_CHARS)
        for h in first_row
    ]
    body, footer = split_footer(text, delimiter)
    if not body.endswith("\n"):
        body += "\n"
    return PreparedText(_mark_blank_lines(body), headers, delimiter, footer, unreadable)


def unclosed_quote_row(body: str, delimiter: str) -> int | None:
    """The row whose quoted field never closes (DuckDB would drop it silently);
    only run when the quotes do not pair up."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error:
        return rows + 1
    return None
