"""How the Compare view names the rows of a comparison (a
:class:`~semvec_studio.core.compare.pair.PairComparison`): each row's text number
(:func:`text_ids`), its word or text, also with where it is (:func:`row_labels`), the rich text of a
hovered row (:func:`describe_row`), a label shortened to fit (:func:`short`), and :data:`ROW_ROLE`,
the item data role under which the "most changed" table and the neighbour lists keep the
comparison row a line stands for."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt

from semvec_studio.gui.i18n import translate

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the comparison row a list item stands for
LABEL_CHARS = 48
CONTEXT_CHARS = 90


def short(text: str, chars: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def text_ids(result) -> np.ndarray:
    """The text number (from 0) of each row of a :class:`~semvec_studio.core.compare.pair.PairComparison`."""
    return np.asarray(result.a.metadata.get("text_id", np.arange(len(result))), dtype=np.int64)


def row_labels(result) -> tuple[list[str], list[str]]:
    """Each row's word (or text), and the same with where it is, for the neighbour lists."""
    meta = result.a.metadata
    if result.a.level == "sentence":
        labels = [str(t) for t in meta["text"]]
        return labels, [f"{i + 1}: {t}" for i, t in enumerate(labels)]
    labels = [str(w) for w in meta["token" if result.a.level == "token" else "word"]]
    where = translate("CompareRows", "{0} (text {1})")
    return labels, [where.format(w, t + 1) for w, t in zip(labels, text_ids(result).tolist())]


def describe_row(result, i: int, labels: list[str], texts: list[str]) -> str:
    """Rich text for a hovered row: the word inside its text (or the text), and its overlap."""
    if not 0 <= i < len(result):
        return ""
    overlap = translate("CompareRows", "overlap {0}").format(f"{result.overlap.overlap[i]:.2f}")
    text_n = translate("CompareRows", "text {0}")
    if result.a.level == "sentence":
        return f"{html.escape(short(labels[i], 200))}<br>{text_n.format(i + 1)} · {overlap}"
    meta = result.a.metadata
    t = int(meta["text_id"][i])
    context = ""
    if 0 <= t < len(texts) and "start" in meta:
        text, s, e = texts[t], int(meta["start"][i]), int(meta["end"][i])
        pad = CONTEXT_CHARS // 2
        context = (f"<br>{'…' if s > pad else ''}{html.escape(text[max(0, s - pad):s])}<b><u>{html.escape(text[s:e])}</u></b>"
                   f"{html.escape(text[e:e + pad])}{'…' if e + pad < len(text) else ''}")
    return f"<b>{html.escape(labels[i])}</b> · {text_n.format(t + 1)}{context}<br>{overlap}"
