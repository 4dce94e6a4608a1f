"""How a piece is shown to people: the text it stands for, with marks for what text cannot show,
and whether a text's pieces are mostly unknown to the model's vocabulary.

A piece is shown as the characters its offsets cover in the text, which reads right in every
tokenizer family: byte-level BPE stores ``Ġbank`` and ``Ã©`` (bytes as stand-in characters),
WordPiece lower-cases and strips accents, SentencePiece writes ``▁``. On top of that text:

- a piece that carries a leading space (byte-level ``Ġ``, SentencePiece ``▁``) starts with
  :data:`SPACE_MARK`, so ``Ġbank`` and ``bank`` (two different pieces) look different;
- a WordPiece continuation keeps its ``##`` (the vocabulary's own convention, which BERT users
  read): ``##que``; only pieces whose stored form carries a mark get one;
- a whitespace-only piece shows its whitespace as symbols and names it: ``␣ space``,
  ``⇥ tab``, ``↵ newline``, ``⍽ nbsp`` (a lone symbol is too small to find in a list);
- several pieces that cover the same character (byte-level BPE splits a character it has no piece
  for into its UTF-8 bytes) each show the character and their place, ``é 1/2`` and ``é 2/2``;
- special and unknown pieces (``[CLS]``, ``[UNK]``) show their stored form: the model sees the
  same placeholder whatever the text was.

The stored piece is given in each piece's note (the views' tooltip).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SPACE_MARK = "␣"
CONTINUATION = "##"
UNKNOWN_PIECES = frozenset({"[UNK]", "<unk>", "<UNK>"})
_SPACE_PREFIXES = ("Ġ", "▁")  # byte-level BPE's space byte; SentencePiece's space
_WHITESPACE_SYMBOLS = {" ": "␣", "\t": "⇥", "\n": "↵", "\r": "␍", "\xa0": "⍽", "\u3000": "␣"}
_WHITESPACE_NAMES = {" ": "space", "\t": "tab", "\n": "newline", "\r": "return", "\xa0": "nbsp", "\u3000": "wide space"}

# A text is "not covered" when at least UNKNOWN_SHARE of its pieces are unknown pieces that stand
# for letters, and at least UNKNOWN_MIN of them. In a language the vocabulary was built for,
# unknown letters are stray foreign names, a few in a hundred pieces; once one piece in ten is the
# one placeholder vector, whole words of the text are invisible to the model and its word and
# sentence vectors stop describing the text. Unknown emoji and symbols do not count: they are not
# a sign of the wrong language. Two at least, so one rare character in a short text stays quiet.
UNKNOWN_SHARE = 0.10
UNKNOWN_MIN = 2


@dataclass(frozen=True)
class Piece:
    label: str  # what the views show
    note: str  # the stored piece and what the label means (a tooltip)
    unknown: bool = False


def is_unknown(token: str) -> bool:
    return token in UNKNOWN_PIECES


@lru_cache(maxsize=1)
def _byte_alphabet() -> dict[str, int]:
    """Byte-level BPE's stand-in character for each byte (GPT-2's ``bytes_to_unicode``), inverted."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    chars = {chr(b): b for b in printable}
    chars.update({chr(256 + n): b for n, b in enumerate(others)})
    return chars


def _byte_decode(tokens: list[str]) -> str | None:
    """The text of byte-level pieces, or None when they are not byte-level or not whole UTF-8."""
    alphabet = _byte_alphabet()
    try:
        return bytes(alphabet[c] for t in tokens for c in t).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None


def visible(text: str) -> str:
    """``text`` with whitespace as visible symbols (other invisible space as a middle dot)."""
    return "".join(_WHITESPACE_SYMBOLS.get(c, "·" if c.isspace() else c) for c in text)


def _whitespace_of(tokens: list[str]) -> str:
    """What whitespace-only pieces stand for: their bytes decoded, SentencePiece ``▁`` as a space."""
    decoded = _byte_decode(tokens)
    if decoded is None or not decoded.isspace():
        decoded = "".join(tokens).replace("▁", " ")
    return decoded if decoded.isspace() else " "


def piece_labels(tokens, starts, ends, text: str) -> list[Piece]:
    """One :class:`Piece` per piece of ``text`` (``starts``/``ends``: trimmed offsets, -1 for specials)."""
    tokens = [str(t) for t in tokens]
    starts, ends = [int(s) for s in starts], [int(e) for e in ends]
    spaces = [s >= 0 and _space_only(t, text[s:e]) for t, s, e in zip(tokens, starts, ends)]
    out: list[Piece] = []
    k = 0
    while k < len(tokens):
        n = 1
        if spaces[k]:
            out.append(_blank(tokens[k], tokens[k : k + 1], 1, 1))
        else:
            n = _same_span(starts, ends, spaces, k)
            out.extend(_group_labels(tokens[k : k + n], starts[k], ends[k], text))
        k += n
    return out


def _space_only(token: str, surface: str) -> bool:
    """A bare ``Ġ`` or ``▁`` stands for a space, whatever its offsets say (SentencePiece gives a
    lone ``▁`` the offsets of the character after it)."""
    return token != "" and token.strip("".join(_SPACE_PREFIXES)) == "" and not surface.startswith(token[0])


def _same_span(starts: list[int], ends: list[int], spaces: list[bool], k: int) -> int:
    """How many pieces from ``k`` on cover the same span (the pieces of one character)."""
    n = 1
    if starts[k] < 0:
        return n
    while k + n < len(starts) and not spaces[k + n] and (starts[k + n], ends[k + n]) == (starts[k], ends[k]):
        n += 1
    return n


def _group_labels(tokens: list[str], s: int, e: int, text: str) -> list[Piece]:
    if s < 0:
        return [Piece(t, f"special piece {t}") for t in tokens]
    surface = text[s:e]
    n = len(tokens)
    blank = not surface
    if blank and n > 1 and all(_byte_decode([t]) is not None for t in tokens):
        return [_blank(t, [t], 1, 1) for t in tokens]  # whole whitespace pieces that happen to share an offset
    pieces = []
    for i, t in enumerate(tokens, 1):
        if is_unknown(t):
            pieces.append(Piece(t, f"unknown piece {t}: this model's vocabulary has no piece for “{surface}”", unknown=True))
        elif blank:
            pieces.append(_blank(t, tokens, i, n))
        else:
            pieces.append(_plain(t, surface, i, n))
    return pieces


def _blank(token: str, tokens: list[str], i: int, n: int) -> Piece:
    space = _whitespace_of(tokens)
    names = ", ".join(unicodedata.name(c, f"U+{ord(c):04X}").lower() for c in space)
    part = f" {i}/{n}" if n > 1 else ""
    name = f" {_WHITESPACE_NAMES.get(space[0], 'space')}" if len(set(space)) == 1 else ""
    note = f"piece “{token}”: whitespace ({names})" + (f", byte {i} of {n}" if n > 1 else "") + "; it belongs to no word"
    return Piece(visible(space) + name + part, note)


def _plain(token: str, surface: str, i: int, n: int) -> Piece:
    label = visible(surface)
    notes = [f"piece “{token}”"]
    if token.startswith(_SPACE_PREFIXES) and not surface.startswith(token[0]):
        label = SPACE_MARK + label
        notes.append(f"{SPACE_MARK}: it starts with a space")
    elif token.startswith(CONTINUATION) and len(token) > len(CONTINUATION) and not surface.startswith(CONTINUATION):
        label = CONTINUATION + label
        notes.append(f"{CONTINUATION}: it continues the word before it")
    if n > 1:
        label += f" {i}/{n}"
        notes.append(f"one of {n} pieces (bytes) of the character “{surface}”")
    return Piece(label, "; ".join(notes))


def _is_letter_text(surface: str) -> bool:
    return any(unicodedata.category(c)[0] in "LM" for c in surface)


def coverage_warning(tokens, starts, ends, text: str) -> str | None:
    """A one-line warning when the model's vocabulary does not cover ``text`` (see UNKNOWN_SHARE)."""
    content = [(str(t), int(s), int(e)) for t, s, e in zip(tokens, starts, ends) if int(s) >= 0]
    unknown = [(s, e) for t, s, e in content if is_unknown(t)]
    letters = sum(_is_letter_text(text[s:e]) for s, e in unknown)
    if letters < UNKNOWN_MIN or letters < UNKNOWN_SHARE * len(content):
        return None
    return (f"This model's vocabulary does not cover this text ({len(unknown)} of {len(content)} pieces unknown); "
            "choose a model for its language.")
