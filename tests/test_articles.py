"""Reading article files: odd files and odd names get one clear line, never a hang."""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.articles import ArticleError, article_paths, decode_article, printable, read_article

REPO = Path(__file__).resolve().parent.parent
REPORT = "Gunmen attacked a bus near Quetta on Monday, officials said.\n"


def _cli(*args: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas_cli.main", *args], capture_output=True,
                          cwd=REPO, timeout=timeout)


def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "report.txt"
    os.mkfifo(pipe)
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(pipe)


def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(link)


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])
def test_cli_reports_the_odd_file_and_keeps_the_good_one(tmp_path: Path, device: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    odd = tmp_path / "odd.txt"
    if device == "fifo":
        os.mkfifo(odd)
    else:
        odd.symlink_to(device)
    result = _cli("places", str(odd), str(good), timeout=60)
    assert result.returncode == 2
    errors = result.stderr.decode().splitlines()
    assert len(errors) == 1 and errors[0].startswith("incident-atlas: error: ") and "odd.txt" in errors[0]
    names = {f["properties"]["name"] for f in json.loads(result.stdout)["features"]}
    assert names == {"Quetta"}


def test_a_directory_with_a_pipe_among_its_reports_still_builds_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    paths = article_paths(tmp_path)
    assert [p.name for p in paths] == ["a.txt", "b.txt"]  # the pipe is named, then refused
    with pytest.raises(ArticleError):
        read_article(paths[1])


def test_a_file_name_that_is_not_utf8_is_printed_and_its_places_kept(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/r\xe9port.txt"  # Latin-1 "é": not UTF-8
    with open(raw, "w", encoding="utf-8") as handle:
        handle.write(REPORT)
    result = _cli("places", raw)
    assert result.returncode == 0, result.stderr
    (feature,) = json.loads(result.stdout)["features"]
    assert feature["properties"]["name"] == "Quetta"
    assert feature["properties"]["article"] == "r\\xe9port.txt"


def test_a_missing_file_with_a_bad_name_is_one_line(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/gone\xff\nsecond line.txt"
    result = _cli("claims", raw)
    assert result.returncode == 2
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and "gone\\xff\\nsecond line.txt: no such file" in lines[0]


def test_printable_escapes_control_characters() -> None:
    assert printable("a\nb\tc\x1b[31m.txt") == "a\\nb\\tc\\x1b[31m.txt"
    assert printable(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"
    assert printable(os.fsdecode(b"a\xff.txt")) != printable(os.fsdecode(b"a\xfe.txt"))
    assert printable("\u202egnp.txt") == "\\u202egnp.txt"
    assert printable("Quetta – report.txt") == "Quetta – report.txt"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(encoding: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]
    article = decode_article("word-export.txt", bom + REPORT.encode(encoding))
    assert article.text == REPORT


def test_a_broken_utf16_file_says_what_it_is() -> None:
    with pytest.raises(ArticleError, match="marked as UTF-16 .* save it as UTF-8"):
        decode_article("broken.txt", codecs.BOM_UTF16_LE + b"Q\x00\x00\xd8")


def test_binary_without_a_mark_is_still_binary() -> None:
    with pytest.raises(ArticleError, match="binary"):
        decode_article("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
