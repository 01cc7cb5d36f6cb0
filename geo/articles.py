"""Reading article files safely: every bad input becomes one clear message."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Largest article accepted; a news report is a few KB, a book is not an article.
MAX_ARTICLE_BYTES = 1_000_000
ARTICLE_SUFFIXES = (".txt",)


class ArticleError(ValueError):
    """An article that cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Article:
    """One report: its name (the file name) and its text."""

    name: str
    text: str


def decode_article(name: str, data: bytes, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Check and decode raw bytes into an :class:`Article`, or raise :class:`ArticleError`."""
    if len(data) > max_bytes:
        raise ArticleError(f"{name}: too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data:
        raise ArticleError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ArticleError(f"{name}: not UTF-8 text (bad byte at position {err.start})") from None
    if not text.strip():
        raise ArticleError(f"{name}: empty file")
    # The text is kept exactly as decoded: mention and claim offsets index it.
    return Article(name=name, text=text)


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file, or raise :class:`ArticleError` saying what is wrong."""
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if path.is_dir():
        raise ArticleError(f"{path}: is a directory, not an article file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleError(f"{path.name}: too large ({size:,} bytes; the limit is {max_bytes:,})")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ArticleError(f"{path}: cannot be read ({err.strerror})") from None
    return decode_article(path.name, data, max_bytes)


def article_paths(directory: Path) -> list[Path]:
    """The article files in ``directory`` (``*.txt``, sorted), or raise :class:`ArticleError`."""
    if not directory.is_dir():
        raise ArticleError(f"{directory}: no such directory")
    paths = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
    if not paths:
        raise ArticleError(f"{directory}: no articles (*.txt files) found")
    return paths
