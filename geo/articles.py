"""Reading article files safely: every bad input becomes one clear message."""
from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

#: Largest article accepted; a news report is a few KB, a book is not an article.
MAX_ARTICLE_BYTES = 1_000_000
ARTICLE_SUFFIXES = (".txt",)

# Byte-order marks of the encodings a text editor saves besides UTF-8; longest first
# (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Control characters, line and paragraph separators, and the bidirectional overrides
# and isolates that can make a printed name read as another one.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class ArticleError(ValueError):
    """An article that cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Article:
    """One report: its name (the file name) and its text."""

    name: str
    text: str


def printable(text: str | os.PathLike[str]) -> str:
    """``text`` (a file name, or a message naming one) fit for one line of output.

    Bytes of a file name that are not UTF-8 (kept by Python as surrogates) are written
    as ``\\xNN``, so two such names stay apart; control characters (a newline would split
    an error line) and bidirectional overrides are written as escapes.
    """
    text = os.fspath(text)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that came from no file name
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def decode_article(name: str, data: bytes, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Check and decode raw bytes into an :class:`Article`, or raise :class:`ArticleError`."""
    name = printable(name)
    if len(data) > max_bytes:
        raise ArticleError(f"{name}: too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    text = _decode(name, data)
    if "\x00" in text:
        raise ArticleError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise ArticleError(f"{name}: empty file")
    # The text is kept exactly as decoded: mention and claim offsets index it.
    return Article(name=name, text=text)


def _decode(name: str, data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)  # the codec reads and drops the mark
            except UnicodeDecodeError:
                raise ArticleError(f"{name}: marked as {encoding.upper()} text but not valid "
                                   f"{encoding.upper()}; save it as UTF-8") from None
    if b"\x00" in data:
        raise ArticleError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleError(f"{name}: not UTF-8 text (bad byte at position {err.start}); "
                           "save it as UTF-8") from None


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file, or raise :class:`ArticleError` saying what is wrong.

    Only regular files are read, and never more than ``max_bytes`` + 1 bytes: a link to
    /dev/zero or a named pipe is refused, not read for ever.
    """
    shown = printable(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ArticleError(f"{shown}: no such file") from None
    except OSError as err:
        raise ArticleError(f"{shown}: cannot be read ({err.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ArticleError(f"{shown}: is a directory, not an article file")
    if not stat.S_ISREG(info.st_mode):
        raise ArticleError(f"{shown}: not a regular file (a device, pipe or socket); "
                           "save the report as a .txt file")
    if info.st_size > max_bytes:
        raise ArticleError(f"{printable(path.name)}: too large ({info.st_size:,} bytes; "
                           f"the limit is {max_bytes:,})")
    try:
        # O_NONBLOCK: should the file be swapped for a pipe after the check, opening
        # it still returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ArticleError(f"{shown}: not a regular file (a device, pipe or socket); "
                                   "save the report as a .txt file")
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise ArticleError(f"{shown}: cannot be read ({err.strerror})") from None
    return decode_article(path.name, data, max_bytes)


def article_paths(directory: Path) -> list[Path]:
    """The article files in ``directory`` (``*.txt``, sorted), or raise :class:`ArticleError`."""
    if not directory.is_dir():
        raise ArticleError(f"{printable(directory)}: no such directory")
    paths = sorted(p for p in directory.iterdir() if p.suffix in ARTICLE_SUFFIXES
                   and not p.is_dir())
    if not paths:
        raise ArticleError(f"{printable(directory)}: no articles (*.txt files) found")
    return paths
