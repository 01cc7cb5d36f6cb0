"""How every ``incident-atlas`` command writes its lines and says it met bad input."""
from __future__ import annotations

from typing import TextIO

from geo.articles import printable

#: Exit status of a command that met bad input (and still did what it could).
EXIT_BAD_INPUT = 2


def say(stream: TextIO, line: str) -> None:
    """Write ``line`` made printable; what the stream's encoding cannot hold (an ASCII-only
    terminal) is written as escapes, so no path or message can make the command fail."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(printable(line).encode(encoding, "backslashreplace").decode(encoding) + "\n")
