"""Bytes to text: UTF-8 (with or without BOM) first, else charset_normalizer's guess with a warning.

An explicit ``encoding`` overrides both. On a tie between legacy code pages the commonest one,
cp1252, wins (charset_normalizer often ties cp1250 and cp1252 on Western text). Errors carry a
``gui=`` wording for the app, which has an encoding box where the command line has ``--encoding``.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import IO, NamedTuple

from charset_normalizer import from_bytes

from semvec_studio.core.errors import InputError, UsageError

PREFERRED_LEGACY = "cp1252"


class Decoded(NamedTuple):
    """One decoded input: its display name, its text, the encoding used and any warnings."""

    name: str
    text: str
    encoding: str
    warnings: list[str]


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode ``data`` -> (text, encoding used, warnings); an explicit ``encoding`` wins."""
    try:
        enc = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'; use a name such as utf-8, cp1252 or latin-1",
                         field="encoding") from None
    if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    try:
        return data.decode(enc).removeprefix("\ufeff"), enc, []
    except UnicodeDecodeError as err:
        if encoding:
            where = f"{name}: cannot be read as {enc} (byte {err.start});"
            raise InputError(f"{where} pass another --encoding, or leave it out to detect one",
                             gui=f"{where} choose another encoding, or let it be detected", field="encoding") from None
    text, enc = _detect(data, name)
    return text.removeprefix("\ufeff"), enc, [
        f"{name}: not UTF-8, read as {enc} (detected); pass --encoding to override"]


def _detect(data: bytes, name: str) -> tuple[str, str]:
    matches = list(from_bytes(data))
    if not matches:
        what = f"{name}: cannot be decoded as text (not UTF-8, and no other encoding fits);"
        raise InputError(f"{what} check it is a text file, or pass --encoding",
                         gui=f"{what} check it is a text file, or choose its encoding", field="encoding")
    best = matches[0]
    for match in matches:
        if match.chaos <= best.chaos + 0.01 and PREFERRED_LEGACY in match.could_be_from_charset:
            try:
                return data.decode(PREFERRED_LEGACY), PREFERRED_LEGACY
            except UnicodeDecodeError:
                break
    return str(best), codecs.lookup(best.encoding).name


def check_file(path: str | os.PathLike) -> None:
    """Raise :class:`InputError` unless ``path`` is an existing file."""
    if Path(path).is_dir():
        raise InputError(f"{os.fspath(path)}: is a folder, not a file; give the path of a file inside it")
    if not Path(path).exists():
        raise InputError(f"{os.fspath(path)}: no such file; check the path")


def decode_file(path: str | os.PathLike, encoding: str | None = None) -> Decoded:
    """Read and decode one file (see :func:`decode_bytes`)."""
    check_file(path)
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check its permissions") from None
    return Decoded(name, *decode_bytes(data, name, encoding))


def decode_stream(stream: IO, name: str, encoding: str | None = None) -> Decoded:
    """Read a whole stream: a binary one (or a text one's ``buffer``) is decoded, a text one is taken as is."""
    raw = getattr(stream, "buffer", stream).read()
    if isinstance(raw, bytes):
        return Decoded(name, *decode_bytes(raw, name, encoding))
    return Decoded(name, raw.removeprefix("\ufeff"), getattr(stream, "encoding", None) or "utf-8", [])
