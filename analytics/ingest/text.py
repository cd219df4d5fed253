"""Text: bytes to CSV text (encoding, NUL and binary data, line endings), read as
a stream and made ready for DuckDB (the lines themselves: see lines)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from analytics.ingest.lines import (
    NUL_MARK,
    TAIL,
    TRIM_CHARS,
    BlankMarker,
    Head,
    find_footer,
    normalise_newlines,
    read_head,
    short,
)

codecs.register_error(
    "latin1_fallback", lambda e: (e.object[e.start : e.end].decode("latin-1"), e.end)
)


class NotCsvText(Exception):
    """The bytes are not CSV text."""


NUL_REASON = "it contains NUL bytes (a binary file, not CSV text)"
BINARY_REASON = "it contains binary data, not CSV text"


_CONTROL = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)) + b"\x7f"


class MixedEncodings(NotCsvText):
    """Some lines are UTF-8 and others are not: no one decoding reads them all."""


# How UTF-8 writes the accented letters, symbols and curly quotes a Windows-1252
# file would hold as one byte; in Windows-1252 text these pairs (`Ã©`, `Â£`,
# `â€™`) are almost only ever such UTF-8 misread.
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x80-\xbf]")


# Bytes read at a time: a file is never held whole.
CHUNK = 1 << 23
# (a regex finds a blank line in half the time `b"\n\n" in chunk` takes)
_BLANK_LINE = re.compile(rb"\n\n")
_C1 = re.compile(rb"[\x80-\x9f]")


@dataclass
class Encoding:
    """How a file's bytes decode, and what its text needs before DuckDB reads it."""

    codec: str  # a Python codec
    name: str  # as the report names it
    errors: str = "strict"
    line_ends: bool = False  # it has CR line ends (or stray CRs)
    blank_lines: bool = False  # it has empty lines
    nuls: int = 0  # isolated NUL bytes, marked as NUL_MARK in the text

    @property
    def utf16(self) -> bool:
        return self.codec.startswith("utf-16")


Opener = Callable[[], BinaryIO]


def chunks(open_bytes: Opener) -> Iterator[bytes]:
    with open_bytes() as handle:
        yield from iter(lambda: handle.read(CHUNK), b"")


def detect(open_bytes: Opener) -> Encoding:
    """The encoding: a BOM decides, else valid UTF-8, else Windows-1252 (Latin-1
    for its five undefined bytes). Raises NotCsvText for binary data and
    MixedEncodings for a file with UTF-8 and other lines. One pass over the bytes
    (a second one only for text that is not UTF-8)."""
    size = controls = nuls = 0
    zeros = [0, 0]  # NUL bytes at even and at odd positions
    start, last, utf8, paired = b"", b"", True, False
    line_ends = blank_lines = False
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chunks(open_bytes):
        if not size:
            start = chunk[:4096]
            kind = binary_kind(start)
            if kind is not None:
                raise NotCsvText(f"it is {kind}, not a CSV file")
        if b"\x00" in chunk:
            nuls += chunk.count(0)
            paired = paired or b"\x00\x00" in last + chunk[:1] or b"\x00\x00" in chunk
            zeros[size % 2] += chunk[0::2].count(0)
            zeros[1 - size % 2] += chunk[1::2].count(0)
        size += len(chunk)
        controls += _controls(chunk)
        if utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        line_ends = line_ends or b"\r" in chunk
        blank_lines = (
            blank_lines or last == chunk[:1] == b"\n" or bool(_BLANK_LINE.search(chunk))
        )
        last = chunk[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        utf8 = False
    utf16 = _utf16_codec(start, size, zeros)
    if utf16 is not None:
        name = "UTF-16" if utf16 == "utf-16" else "UTF-16 (no byte-order mark)"
        return Encoding(utf16, name)  # always rewritten as UTF-8
    # A few isolated NUL bytes in text are removed (a Data Export's rich-text
    # cells begin with one); more, or beside other control bytes, mean binary data.
    controls -= nuls
    if nuls and (controls or paired or nuls > 8 + size // 1000):
        raise NotCsvText(NUL_REASON)
    if controls > max(8, size // 1000):
        raise NotCsvText(BINARY_REASON)
    if start.startswith(codecs.BOM_UTF8):
        if not utf8:
            raise NotCsvText("it starts with a UTF-8 mark but is not UTF-8")
        return Encoding(
            "utf-8-sig", "UTF-8 with BOM", "strict", line_ends, blank_lines, nuls
        )
    if utf8:
        return Encoding("utf-8", "UTF-8", "strict", line_ends, blank_lines, nuls)
    latin = c1 = False
    last = b""
    for chunk in chunks(open_bytes):
        latin = latin or bool(_UTF8_LATIN.search(last + chunk))
        c1 = c1 or bool(_C1.search(chunk))
        last = chunk[-2:]
    if latin:
        _check_mixed(_lines(open_bytes))
    name = "Windows-1252" if c1 else "ISO-8859-1"
    return Encoding("cp1252", name, "latin1_fallback", line_ends, blank_lines, nuls)


def mark_nuls(text: str) -> str:
    """The text with its (isolated) NUL characters as NUL_MARK."""
    return text.replace("\x00", NUL_MARK) if "\x00" in text else text


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


def decode(content: bytes) -> tuple[str, str]:
    """Text and encoding name of bytes held whole (see detect)."""
    encoding = detect(lambda: io.BytesIO(content))
    try:
        text = content.decode(encoding.codec, encoding.errors)
    except UnicodeDecodeError as error:
        raise NotCsvText("it is not valid UTF-16 text") from error
    if encoding.utf16:
        _check_control(text.encode("utf-8"))
    return text, encoding.name


def _utf16_codec(start: bytes, size: int, zeros: list[int]) -> str | None:
    """ "utf-16" for a UTF-16 byte-order mark; "utf-16-le"/"-be" for text without
    one whose every other byte is NUL (as ASCII text in UTF-16 is); else None."""
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if size < 4 or size % 2:
        return None
    half = size // 2
    if zeros[1] >= 0.9 * half and zeros[0] == 0:
        return "utf-16-le"
    if zeros[0] >= 0.9 * half and zeros[1] == 0:
        return "utf-16-be"
    return None


def _lines(open_bytes: Opener) -> Iterator[tuple[bytes, bool]]:
    """The file's lines without their LF, each with whether a LF ended it."""
    ended = True
    with open_bytes() as handle:
        for line in handle:
            ended = line.endswith(b"\n")
            yield (line[:-1] if ended else line), ended
        if ended:
            yield b"", False


def _check_mixed(lines: Iterable[tuple[bytes, bool]]) -> None:
    """Raise MixedEncodings naming a UTF-8 line and a line that is not UTF-8. The
    last line may end inside a character (the start of a file read for its header)."""
    utf8_line = other_line = None
    for number, (line, ended) in enumerate(lines, start=1):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(line, final=ended)
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
    if b"\x00" in data:
        raise NotCsvText(NUL_REASON)
    if _controls(data) > max(8, len(data) // 1000):
        raise NotCsvText(BINARY_REASON)


def _controls(data: bytes) -> int:
    return len(data) - len(data.translate(None, _CONTROL))


class _Text:
    """A file's text in pieces, with CRLF and a lone CR as LF. Notes whether any
    character is not blank; UTF-16 text is checked for NUL and control characters
    in its UTF-8 form (as the bytes of other encodings are by detect)."""

    def __init__(self, open_bytes: Opener, encoding: Encoding):
        self.open_bytes, self.encoding = open_bytes, encoding
        self.nonblank = False

    def __iter__(self) -> Iterator[str]:
        codec, errors = self.encoding.codec, self.encoding.errors
        decoder = codecs.getincrementaldecoder(codec)(errors)
        held, size, controls = "", 0, 0
        for chunk in itertools.chain(chunks(self.open_bytes), [None]):
            try:
                piece = decoder.decode(chunk or b"", final=chunk is None)
            except UnicodeDecodeError as error:
                raise NotCsvText("it is not valid UTF-16 text") from error
            if self.encoding.utf16:
                data = piece.encode("utf-8")
                if b"\x00" in data:
                    raise NotCsvText(NUL_REASON)
                size, controls = size + len(data), controls + _controls(data)
            elif self.encoding.nuls:
                piece = mark_nuls(piece)
            self.nonblank = self.nonblank or bool(
                piece.strip(TRIM_CHARS + "\ufeff" + NUL_MARK)
            )
            piece, held = held + piece, ""
            if piece.endswith("\r") and chunk is not None:
                piece, held = piece[:-1], "\r"
            yield normalise_newlines(piece)
        if controls > max(8, size // 1000):
            raise NotCsvText(BINARY_REASON)


@dataclass
class Body:
    """A file's text ready for DuckDB: UTF-8, LF line ends, blank lines marked,
    no footer; `path` is the file itself when it needed no change."""

    path: Path | None
    head: Head
    empty: bool = False
    footer_lines: int = 0


def tidy(
    open_bytes: Opener, encoding: Encoding, target: Path, original: Path | None
) -> Body:
    """The text of a file as DuckDB reads it, from one pass over its bytes: the
    file `original` itself when it needs no change, else written to `target`."""
    text = _Text(open_bytes, encoding)
    pieces = iter(text)
    head, start = read_head(pieces)
    if head.unreadable_header:
        if encoding.utf16:
            for _ in pieces:  # a binary UTF-16 file is refused as binary first
                pass
        return Body(None, head, empty=not text.nonblank)
    if _in_place(open_bytes, encoding, head) and text.nonblank:
        pieces.close()
        if original is None:
            with open(target, "wb") as out:
                for chunk in chunks(open_bytes):
                    out.write(chunk)
        return Body(original or target, head)
    marker = BlankMarker(head.blank_fill)
    with open(target, "w", encoding="utf-8", newline="") as out:
        out.writelines(marker.parts(start))
        for piece in pieces:
            out.writelines(marker.parts(piece))
    if not text.nonblank:
        return Body(None, head, empty=True)
    return Body(target, head, footer_lines=_drop_footer(target, head.delimiter))


def _in_place(open_bytes: Opener, encoding: Encoding, head: Head) -> bool:
    """Whether DuckDB may read the bytes as they are: UTF-8 with LF line ends, no
    empty line, nothing before the header (a BOM only before a header without
    quotes, which DuckDB would misread) and no footer."""
    if encoding.codec not in ("utf-8", "utf-8-sig") or head.changed or encoding.nuls:
        return False
    if encoding.line_ends or encoding.blank_lines:
        return False
    if encoding.codec == "utf-8-sig" and head.quoted:
        return False
    with open_bytes() as handle:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - TAIL))
        tail = handle.read()
    if size > TAIL:
        tail = tail[tail.find(b"\n") + 1 :]
    return find_footer(tail.decode("utf-8", errors="replace"), head.delimiter)[1] == 0


def _drop_footer(path: Path, delimiter: str) -> int:
    """Cut the footer off a written body (and end it with a LF); its line count."""
    with open(path, "r+b") as handle:
        size = handle.seek(0, io.SEEK_END)
        start = max(0, size - TAIL)
        handle.seek(start)
        tail = handle.read()
        if start:
            skip = tail.find(b"\n") + 1
            start, tail = start + skip, tail[skip:]
        text = tail.decode("utf-8")
        end, footer = find_footer(text, delimiter)
        if footer:
            kept = text[:end].rstrip("\n") + "\n"
            handle.truncate(start + len(kept.encode("utf-8")))
        elif size and not tail.endswith(b"\n"):
            handle.write(b"\n")
    return footer


def unclosed_quote_row(lines: Iterable[str], delimiter: str) -> int | None:
    """The row whose quoted field never closes (DuckDB would drop it silently);
    only run when the quotes do not pair up."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error:
        return rows + 1
    return None
