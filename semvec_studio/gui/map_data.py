"""What the Map tab shows, without Qt: the maps (:class:`MapData`), their captions and axis
titles, hover text, search, colour choices and values, and the columns of the coordinate export.
The computations behind the tab are in the core (:mod:`semvec_studio.core.projection`,
:func:`semvec_studio.core.extract.analysis.layer_path`).

A :class:`MapData` is one scatter: ``rows[i]`` is the row of ``embset`` that point ``i`` shows
(a layer path repeats one row, with ``layers[i]`` its layer).

Its words go through Qt's translation (context "MapData") once the app has loaded Qt; this module
imports no Qt itself (:func:`translate` and :func:`QT_TRANSLATE_NOOP` here are what lupdate reads,
with gui/i18n.py's conventions). What is data (pieces, words, texts, label and column names) is
shown as it is.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import Projection


def translate(context: str, text: str) -> str:
    """``QCoreApplication.translate`` when Qt is loaded (always, in the app), else ``text``."""
    qtcore = sys.modules.get("PySide6.QtCore")
    return qtcore.QCoreApplication.translate(context, text) if qtcore is not None else text


def QT_TRANSLATE_NOOP(_context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text


def counted(n: float, one: str, many: str) -> str:
    """:func:`semvec_studio.gui.i18n.counted` (which imports Qt): ``one`` or ``many`` with ``n``."""
    shown = f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}"
    return (one if n == 1 else many).format(shown)


LABEL_COLUMN = "label"
CONTEXT_CHARS = 60
TEXT_CHARS = 300
LEVEL_WORD = {"token": QT_TRANSLATE_NOOP("MapData", "piece"), "word": QT_TRANSLATE_NOOP("MapData", "word"),
              "sentence": QT_TRANSLATE_NOOP("MapData", "text")}  # translated where shown
LEVEL_COUNTS = {"token": (QT_TRANSLATE_NOOP("MapData", "{0} piece"), QT_TRANSLATE_NOOP("MapData", "{0} pieces")),
                "word": (QT_TRANSLATE_NOOP("MapData", "{0} word"), QT_TRANSLATE_NOOP("MapData", "{0} words")),
                "sentence": (QT_TRANSLATE_NOOP("MapData", "{0} text"), QT_TRANSLATE_NOOP("MapData", "{0} texts"))}
LEVEL_KEY = {"token": "token", "word": "word", "sentence": "text"}  # the metadata column a point shows
TEXT_COLOUR_POINTS = 16  # a map of texts starts coloured by text up to this many points (the legend's colours)
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP", "axes": QT_TRANSLATE_NOOP("MapData", "Custom axes")}


def level_word(level: str) -> str:
    """What one row of ``level`` is called ("piece", "word", "text"), translated."""
    return translate("MapData", LEVEL_WORD[level])


def level_count(level: str, n: int) -> str:
    """``n`` rows of ``level``, e.g. "1,200 words", translated."""
    one, many = LEVEL_COUNTS[level]
    return counted(n, translate("MapData", one), translate("MapData", many))


def method_name(method: str) -> str:
    """A projection method's name as shown (PCA, t-SNE, UMAP, Custom axes, translated)."""
    return translate("MapData", METHOD_NAMES.get(method, method))


@dataclass
class MapData:
    kind: str  # "map" | "context" | "path"
    level: str
    embset: EmbeddingSet
    rows: np.ndarray  # set row of each point
    coords: np.ndarray  # float32 [n, 2]
    title: str = ""
    projection: Projection | None = None
    layers: np.ndarray | None = None  # "path": the layer of each point
    _vectors: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def vectors(self) -> np.ndarray:
        """The original vectors of the points (the set's own array when the map shows every row)."""
        if self._vectors is None:
            full = len(self.rows) == len(self.embset) and bool(np.all(self.rows == np.arange(len(self.rows))))
            self._vectors = self.embset.vectors if full else np.asarray(self.embset.vectors[self.rows], dtype=np.float32)
        return self._vectors

    def labels(self) -> list[str]:
        """The display string of every point: its piece, word or text."""
        col = self.embset.metadata[LEVEL_KEY[self.level]]
        return [str(col[r]) for r in self.rows.tolist()]

    def text_ids(self) -> np.ndarray:
        return np.asarray(self.embset.metadata["text_id"], dtype=np.int64)[self.rows]


def level_map(level: str, embset: EmbeddingSet, proj: Projection) -> MapData:
    """The map of a whole level (or its sample): one point per projected row."""
    return MapData("map", level, embset, np.asarray(proj.rows, np.int64), proj.coords, projection=proj)


def context_map(words: EmbeddingSet, rows: np.ndarray, word: str, proj: Projection) -> MapData:
    """Word in context: ``proj`` of the word-level ``rows`` (every occurrence of ``word``)."""
    return MapData("context", "word", words, np.asarray(rows)[np.asarray(proj.rows)], proj.coords, title=word,
                   projection=proj)


def path_map(data: MapData, i: int, label: str, per_layer: np.ndarray, proj: Projection) -> MapData:
    """Layer path: point ``i`` of ``data`` (shown as ``label``) at every layer (``per_layer``,
    mapped by ``proj``)."""
    n = len(per_layer)
    return MapData("path", data.level, data.embset, np.full(n, int(data.rows[i]), np.int64), proj.coords,
                   title=f"“{label}”", projection=proj, layers=np.arange(n), _vectors=per_layer)


def distinct_words(words: EmbeddingSet) -> list[str]:
    """The distinct words (lower case, sorted) of a word-level set: what Word in context offers."""
    return sorted({str(w).lower() for w in words.metadata["word"]})


def find_row(embset: EmbeddingSet, level: str, text: str) -> int:
    """The first row whose piece/word/text equals ``text`` (case-insensitive): an end of a custom
    axis typed by the user. :class:`UsageError` when none does."""
    want = text.strip().lower()
    for i, s in enumerate(embset.metadata[LEVEL_KEY[level]]):
        if str(s).strip().lower() == want:
            return i
    raise UsageError(translate("MapData", "custom axes: no {0} “{1}” among the {2} rows; type one that occurs.").format(
        level_word(level), text, f"{len(embset):,}"))


def text_position(data: MapData, i: int) -> tuple[int, str, int]:
    """Where point ``i`` is in the texts: ``(text_id, level, position)`` (position -1 for a text)."""
    r = int(data.rows[i])
    meta = data.embset.metadata
    position = int(meta["position"][r]) if data.level != "sentence" else -1
    return int(meta["text_id"][r]), data.level, position


# --- captions ----------------------------------------------------------------------------------


def axis_titles(data: MapData) -> tuple[str, str]:
    """The x and y axis titles: PCA's explained variance, the ends of custom axes, or the method."""
    proj = data.projection
    if proj is None:
        return "", ""
    if proj.method == "pca" and proj.explained_variance:
        ev = proj.explained_variance
        return (translate("MapData", "PC1 ({0} % of variance)").format(f"{100 * ev[0]:.1f}"),
                translate("MapData", "PC2 ({0} %)").format(f"{100 * ev[1]:.1f}"))
    if proj.method == "axes":
        (a, b), (c, d) = proj.params.get("axes") or ((0, 1), (2, 3))
        lab = data.embset.metadata[LEVEL_KEY[data.level]]
        return f"{lab[a]} → {lab[b]}", f"{lab[c]} → {lab[d]}"
    name = method_name(proj.method)
    return f"{name} 1", f"{name} 2"


def caption(data: MapData) -> str:
    """Rich text above the map: what it shows, how it was made, and its quality figures."""
    proj = data.projection
    method = method_name(proj.method) if proj is not None else ""
    if data.kind == "path":
        head = translate("MapData", "<b>Layer path</b> of {0}: {1} layers, PCA").format(data.title, len(data))
    elif data.kind == "context":
        head = translate("MapData", "<b>Word in context</b>: every “{0}” ({1} occurrences), {2}").format(data.title, f"{len(data):,}", method)
    else:
        sampled = translate("MapData", " (a sample of {0} of {1})").format(f"{len(data):,}", f"{len(data.embset):,}") \
            if len(data) < len(data.embset) else ""
        head = translate("MapData", "<b>{0}</b> of {1}{2}").format(method, level_count(data.level, len(data)), sampled)
    facts = []
    if proj is not None and proj.fitted_on:  # a method fitted on a sample, the other rows placed
        facts.append(html.escape(proj.fitted_on))
    if proj is not None and proj.quality:
        q = proj.quality
        facts.append(translate("MapData", "trustworthiness {0} · kNN overlap {1} (k={2}, {3} rows)").format(
            f"{q['trustworthiness']:.3f}", f"{q['knn_overlap']:.2f}", q["k"], f"{q['sample']:,}"))
    return " · ".join([head, *facts])


# --- text --------------------------------------------------------------------------------------


def marked_context(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """HTML: the span ``text[start:end]`` in bold with up to ``chars`` characters either side."""
    a, b = max(0, start - chars), min(len(text), end + chars)
    before, piece, after = text[a:start], text[start:end], text[end:b]
    return ("…" if a > 0 else "") + html.escape(before) + "<b><u>" + html.escape(piece) + "</u></b>" + \
        html.escape(after) + ("…" if b < len(text) else "")


def describe(data: MapData, i: int, texts: list[str], columns: dict[str, list[str]] | None = None) -> str:
    """Rich text for point ``i``: its piece/word/text, the text around it, and its labels."""
    s, r = data.embset, int(data.rows[i])
    meta = s.metadata
    t = int(meta["text_id"][r])
    text = texts[t] if 0 <= t < len(texts) else ""
    if not text and data.level == "sentence" and "text" in meta:
        text = str(meta["text"][r])  # a set without the app's texts (a folder's): the row's own
    lines = []
    if data.kind == "path":
        layer = int(data.layers[i])
        lines.append(translate("MapData", "<b>embeddings (layer 0)</b>") if layer == 0
                     else translate("MapData", "<b>layer {0}</b>").format(layer))
    if data.level == "sentence":
        short = text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"
        lines.append(translate("MapData", "text {0}: {1}").format(t, html.escape(short)))
    else:
        key = "token" if data.level == "token" else "word"
        lines.append(translate("MapData", "{0} <b>{1}</b> · text {2}").format(level_word(data.level), html.escape(str(meta[key][r])), t))
        if text:  # (a folder's token and word rows come without their texts)
            lines.append(marked_context(text, int(meta["start"][r]), int(meta["end"][r])))
    for name, values in (columns or {}).items():
        if name == LABEL_COLUMN and LABEL_COLUMN in meta:
            continue  # the row's own label (below) has replaced the table's
        if 0 <= t < len(values) and values[t]:
            lines.append(f"{html.escape(name)}: {html.escape(str(values[t]))}")
    if LABEL_COLUMN in meta and meta[LABEL_COLUMN][r]:
        lines.append(translate("MapData", "label: {0}").format(html.escape(str(meta[LABEL_COLUMN][r]))))
    return "<br>".join(lines)


def short_context(text: str, start: int, end: int, words: int = 3) -> str:
    """Plain text: the span with up to ``words`` words either side, e.g. '…at the bank before noon.'"""
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    head = ("…" if len(text[:start].split()) > words else "") + " ".join(before)
    tail = " ".join(after) + ("…" if len(text[end:].split()) > words else "")
    return " ".join(p for p in (head, text[start:end].upper(), tail) if p)


def occurrence_labels(data: MapData, texts: list[str]) -> list[str]:
    """:func:`short_context` of every point of a Word in context map (written beside the points)."""
    meta = data.embset.metadata
    return [short_context(texts[int(meta["text_id"][r])], int(meta["start"][r]), int(meta["end"][r]))
            for r in data.rows.tolist()]


def search(labels: list[str], query: str, regex: bool = False) -> np.ndarray:
    """Indices of ``labels`` matching ``query`` (case-insensitive substring, or a regex).
    Raises :class:`UsageError` for a bad regex."""
    if not query:
        return np.zeros(0, np.int64)
    if regex:
        try:
            pattern = re.compile(query, re.IGNORECASE)
        except re.error as err:
            raise UsageError(f"search: not a valid regular expression ({err}).") from None
        hits = [i for i, s in enumerate(labels) if pattern.search(s)]
    else:
        q = query.lower()
        hits = [i for i, s in enumerate(labels) if q in s.lower()]
    return np.asarray(hits, dtype=np.int64)


# --- colour by ---------------------------------------------------------------------------------


def default_color(data: MapData, columns: dict[str, list[str]]) -> str:
    """The colour a new map starts with: its labels when it has some (the set's ``label`` column,
    else the table's), else its texts; one colour for a map of more texts than the legend has
    colours (each text is one point: a colour each would say nothing)."""
    if LABEL_COLUMN in data.embset.metadata:
        return f"meta:{LABEL_COLUMN}"
    if LABEL_COLUMN in columns:
        return f"column:{LABEL_COLUMN}"
    return "none" if data.level == "sentence" and len(data) > TEXT_COLOUR_POINTS else "text"


def color_choices(data: MapData, columns: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(key, menu text) of what the points of ``data`` can be coloured by."""
    out = [("none", translate("MapData", "one colour")), ("text", translate("MapData", "text"))]
    if data.level == "token":
        out.append(("piece", translate("MapData", "piece")))
    if data.level in ("token", "word"):
        out.append(("word", translate("MapData", "word")))
    has_labels = LABEL_COLUMN in data.embset.metadata  # written by "Label…" (starts from a 'label' column)
    if has_labels:
        out.append((f"meta:{LABEL_COLUMN}", translate("MapData", "label")))
    for name in columns:  # the table's column names: data
        if not (has_labels and name == LABEL_COLUMN):
            out.append((f"column:{name}", name))
    if data.kind == "path":
        out.append(("layer", translate("MapData", "layer")))
    out.append(("kmeans", translate("MapData", "k-means cluster")))
    if data.level in ("token", "word"):
        out.append(("position", translate("MapData", "position in text (value)")))
    out.append(("norm", translate("MapData", "vector norm (value)")))
    return out


def color_values(data: MapData, key: str, columns: dict[str, list[str]], words: EmbeddingSet | None = None):
    """("categories", values) or ("values", floats) for a colour-by key (not k-means)."""
    meta, rows = data.embset.metadata, data.rows
    if key == "text":
        return "categories", data.text_ids()
    if key == "piece":
        return "categories", [str(meta["token"][r]) for r in rows.tolist()]
    if key == "word":
        if data.level == "token":  # a piece: the word it belongs to
            return "categories", _word_of_pieces(data, words)
        return "categories", [str(meta["word"][r]).lower() for r in rows.tolist()]
    if key.startswith("column:"):
        values = columns[key.split(":", 1)[1]]
        return "categories", [values[t] if 0 <= t < len(values) else "" for t in data.text_ids().tolist()]
    if key.startswith("meta:"):
        col = meta[key.split(":", 1)[1]]
        return "categories", [str(col[r]) for r in rows.tolist()]
    if key == "layer":
        return "values", np.asarray(data.layers, dtype=np.float64)
    if key == "position":
        return "values", np.asarray(meta["position"], dtype=np.float64)[rows]
    if key == "norm":
        return "values", np.linalg.norm(data.vectors(), axis=1).astype(np.float64)
    return "none", None


def _word_of_pieces(data: MapData, words: EmbeddingSet | None) -> list[str]:
    """For token rows: the (lower-cased) word each piece belongs to; '' for special tokens."""
    meta = data.embset.metadata
    lookup = {}
    if words is not None:
        lookup = {(t, p): str(w).lower() for t, p, w in zip(np.asarray(words.metadata["text_id"]).tolist(),
                                                             np.asarray(words.metadata["position"]).tolist(),
                                                             words.metadata["word"])}
    tids = np.asarray(meta["text_id"])[data.rows].tolist()
    widx = np.asarray(meta["word_index"])[data.rows].tolist()
    return [lookup.get((t, w), "") for t, w in zip(tids, widx)]


def set_labels(embset: EmbeddingSet, rows: np.ndarray, label: str, initial: list[str] | None = None) -> None:
    """Write ``label`` into the set's ``label`` metadata column for ``rows`` (created from
    ``initial``, one value per row, or empty strings)."""
    col = embset.metadata.get(LABEL_COLUMN)
    if col is None:
        col = list(initial) if initial is not None else [""] * len(embset)
        embset.metadata[LABEL_COLUMN] = col
    elif not isinstance(col, list):
        col = [str(v) for v in col]
        embset.metadata[LABEL_COLUMN] = col
    for r in np.asarray(rows, dtype=np.int64).tolist():
        col[r] = label


def table_labels(embset: EmbeddingSet, columns: dict[str, list[str]]) -> list[str] | None:
    """The table's ``label`` column as one value per row of ``embset`` (by text), or None."""
    table = columns.get(LABEL_COLUMN)
    if table is None:
        return None
    return [table[t] if 0 <= t < len(table) else "" for t in np.asarray(embset.metadata["text_id"]).tolist()]


# --- the coordinate export ---------------------------------------------------------------------


def coordinate_columns(data: MapData, columns: dict[str, list[str]]) -> tuple[dict, dict]:
    """The columns of the Map's coordinate export after x, y and row: the set's metadata (one
    value per set row) and, one value per point, a path's ``layer`` and the table's columns (by
    text) that the set does not have. See :func:`semvec_studio.core.projection.files.write_projection_tsv`."""
    per_point: dict = {}
    if data.kind == "path":
        per_point["layer"] = np.asarray(data.layers, np.int64)
    tids = data.text_ids().tolist()
    for name, values in columns.items():
        if name not in data.embset.metadata and name not in per_point:
            per_point[name] = [values[t] if 0 <= t < len(values) else "" for t in tids]
    return dict(data.embset.metadata), per_point
