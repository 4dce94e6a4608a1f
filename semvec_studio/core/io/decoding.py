"""Bytes to text: a UTF-16/UTF-32 byte order mark, UTF-8 (with or without BOM), Chinese
(GB18030 or Big5), else charset_normalizer's guess; every encoding but UTF-8 is named in a warning.

An explicit ``encoding`` overrides all of them. Chinese is tried before charset_normalizer, whose
guesses for short Chinese files are often wrong (cp949, Big5 or Shift_JIS for a few GB18030 lines):
GB18030 (what Excel writes on Chinese Windows; a superset of GBK and GB2312) and Big5 are each
tried, and one is taken when at least :data:`CHINESE_SCORE` of the text's non-ASCII characters
are common Chinese characters (:data:`COMMON_HANZI`, simplified and traditional) or Chinese
punctuation; the higher share wins, GB18030 on a tie. The bytes of Korean, Japanese or Western
text read in a Chinese code page give rare characters, so they go on to charset_normalizer. On
a tie between legacy code pages the commonest one, cp1252, wins (charset_normalizer often ties
cp1250 and cp1252 on Western text). Errors carry a ``gui=`` wording for the app, which has an
encoding box where the command line has ``--encoding``.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import IO, NamedTuple

from charset_normalizer import from_bytes

from semvec_studio.core.errors import InputError, UsageError

PREFERRED_LEGACY = "cp1252"
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 first: its little-endian mark starts with UTF-16's
CHINESE = ("gb18030", "big5", "cp950")  # cp950: Big5 as Windows writes it, when plain Big5 cannot read the bytes
CHINESE_SCORE = 0.3
CHINESE_SAMPLE = 100_000  # characters scored
# The ~400 commonest Chinese characters (they make up about three quarters of running text), and
# the traditional forms of those that differ.
COMMON_HANZI = frozenset(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于"
    "起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其"
    "种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却"
    "代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司"
    "利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指"
    "思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江"
    "语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版吗吧啊您"
    "這來國個說們為爲時會著過學對裡裏後麼沒於還發當無開見經頭從動兩長樣將實點種聲話兒問機給幾業間電門東氣關軍產萬體別處總場師書員"
    "華報馬張難數車應係計親務臺記邊風戰幹許覺統請愛讓認論義術結連遠資隊帶條變聯權該領傳紅決達辦運強區轉眾輕語滿識極黃臉錢黨設與現"
    "進聽並內卻題製週寫嗎")
CHINESE_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉【】…—·「」『』\u3000") | frozenset(map(chr, range(0xFF01, 0xFF5F)))


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
    if not encoding:
        marked = _by_bom(data, name)
        if marked is not None:
            return marked
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


def _by_bom(data: bytes, name: str) -> tuple[str, str, list[str]] | None:
    """A UTF-16 or UTF-32 file by its byte order mark (what Excel's "Unicode Text" writes)."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, [f"{name}: not UTF-8, read as {enc} (its byte order mark)"]
            except UnicodeDecodeError:
                return None
    return None


def chinese_score(text: str) -> float:
    """The share of ``text``'s non-ASCII, non-space characters that are common Chinese characters
    or Chinese punctuation (0 when it has none)."""
    chars = [c for c in text[:CHINESE_SAMPLE] if ord(c) > 127 and not c.isspace()]
    if not chars:
        return 0.0
    return sum(c in COMMON_HANZI or c in CHINESE_PUNCTUATION for c in chars) / len(chars)


def _chinese(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as Chinese in GB18030 or Big5 (see the module's docstring)."""
    best: tuple[float, str, str] | None = None
    for enc in CHINESE:
        if enc == "cp950" and best is not None and best[2] == "big5":
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = chinese_score(text)
        if score >= CHINESE_SCORE and (best is None or score > best[0]):
            best = (score, text, enc)
    return None if best is None else (best[1], best[2])


def _detect(data: bytes, name: str) -> tuple[str, str]:
    chinese = _chinese(data)
    if chinese is not None:
        return chinese
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
