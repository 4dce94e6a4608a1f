"""What the Map tab shows, without Qt: the rows of a map, their hover text, search, colour-by
values, and the runner tasks behind the map (k-means, word in context, layer path, TSV export).

A :class:`MapData` is one scatter: ``rows[i]`` is the row of ``embset`` that point ``i`` shows
(a layer path repeats one row, with ``layers[i]`` its layer).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import UsageError
from semvec_studio.core.io.exporters import FLOAT_FMT
from semvec_studio.core.projection.project import Projection, ProjectionParams, project
from semvec_studio.core.io.vectors import EmbeddingSet, write_metadata_tsv

LABEL_COLUMN = "label"
CONTEXT_CHARS = 60
TEXT_CHARS = 300
KMEANS_FULL_MAX = 50_000  # above this many rows k-means uses mini-batches
LEVEL_WORD = {"token": "piece", "word": "word", "sentence": "text"}


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
        col = self.embset.metadata[{"token": "token", "word": "word", "sentence": "text"}[self.level]]
        return [str(col[r]) for r in self.rows.tolist()]

    def text_ids(self) -> np.ndarray:
        return np.asarray(self.embset.metadata["text_id"], dtype=np.int64)[self.rows]


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
    lines = []
    if data.kind == "path":
        layer = int(data.layers[i])
        lines.append(f"<b>{'embeddings (layer 0)' if layer == 0 else f'layer {layer}'}</b>")
    if data.level == "sentence":
        short = text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"
        lines.append(f"text {t}: {html.escape(short)}")
    else:
        key = "token" if data.level == "token" else "word"
        lines.append(f"{LEVEL_WORD[data.level]} <b>{html.escape(str(meta[key][r]))}</b> · text {t}")
        lines.append(marked_context(text, int(meta["start"][r]), int(meta["end"][r])))
    for name, values in (columns or {}).items():
        if name == LABEL_COLUMN and LABEL_COLUMN in meta:
            continue  # the row's own label (below) has replaced the table's
        if 0 <= t < len(values) and values[t]:
            lines.append(f"{html.escape(name)}: {html.escape(str(values[t]))}")
    if LABEL_COLUMN in meta and meta[LABEL_COLUMN][r]:
        lines.append(f"label: {html.escape(str(meta[LABEL_COLUMN][r]))}")
    return "<br>".join(lines)


def short_context(text: str, start: int, end: int, words: int = 3) -> str:
    """Plain text: the span with up to ``words`` words either side, e.g. '…at the bank before noon.'"""
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    head = ("…" if len(text[:start].split()) > words else "") + " ".join(before)
    tail = " ".join(after) + ("…" if len(text[end:].split()) > words else "")
    return " ".join(p for p in (head, text[start:end].upper(), tail) if p)


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


def color_choices(data: MapData, columns: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(key, menu text) of what the points of ``data`` can be coloured by."""
    out = [("none", "one colour"), ("text", "text")]
    if data.level == "token":
        out.append(("piece", "piece"))
    if data.level in ("token", "word"):
        out.append(("word", "word"))
    has_labels = LABEL_COLUMN in data.embset.metadata  # written by "Label…" (starts from a 'label' column)
    if has_labels:
        out.append((f"meta:{LABEL_COLUMN}", LABEL_COLUMN))
    for name in columns:
        if not (has_labels and name == LABEL_COLUMN):
            out.append((f"column:{name}", name))
    if data.kind == "path":
        out.append(("layer", "layer"))
    out.append(("kmeans", "k-means cluster"))
    if data.level in ("token", "word"):
        out.append(("position", "position in text (value)"))
    out.append(("norm", "vector norm (value)"))
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


# --- runner tasks (plain functions: ctx is the runner's TaskContext) ---------------------------


def kmeans_clusters(vectors: np.ndarray, k: int, seed: int = 0, ctx=None) -> np.ndarray:
    """Cluster ids (0..k-1) of each row by k-means on the unit vectors (cosine geometry)."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = len(vectors)
    k = int(max(1, min(k, n)))
    if ctx is not None:
        ctx.report(0, 1, f"k-means, k={k}")
        ctx.check_cancelled()
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms > 0, norms, 1.0)
    model = (KMeans(n_clusters=k, n_init=3, random_state=seed) if n <= KMEANS_FULL_MAX
             else MiniBatchKMeans(n_clusters=k, n_init=3, random_state=seed, batch_size=4096))
    labels = model.fit_predict(x).astype(np.int64)
    if ctx is not None:
        ctx.check_cancelled()
        ctx.report(1, 1, f"k-means, k={k}")
    return labels


def context_params(params: ProjectionParams, m: int) -> ProjectionParams:
    """``params`` made valid for ``m`` rows (a word may occur only a few times)."""
    from dataclasses import replace

    if params.method == "tsne":
        return replace(params, perplexity=float(min(params.perplexity, max(1.0, (m - 1) / 3))), sample=None)
    if params.method == "umap":
        return replace(params, n_neighbors=int(min(params.n_neighbors, max(2, m - 1))), sample=None)
    if params.method == "axes":
        return replace(params, method="pca", axes=None, sample=None)
    return replace(params, sample=None)


def word_rows(words: EmbeddingSet, word: str) -> np.ndarray:
    """Rows of a word-level set whose word is ``word`` (case-insensitive)."""
    w = word.strip().lower()
    return np.asarray([i for i, s in enumerate(words.metadata["word"]) if str(s).lower() == w], dtype=np.int64)


def project_rows(embset: EmbeddingSet, rows: np.ndarray, params: ProjectionParams, ctx=None) -> Projection:
    """Project the vectors of ``rows`` of ``embset`` (the Word-in-context map)."""
    return project(np.asarray(embset.vectors[rows], dtype=np.float32), context_params(params, len(rows)), ctx)


def layer_path(lm, text: str, level: str, position: int, manifest: dict, ctx=None) -> tuple[np.ndarray, Projection]:
    """One row's vector at every layer (0 = embeddings .. L) of ``lm``, and their PCA map.

    ``position`` is the token's position (token level), the word's index (word level) or
    ignored (sentence level). Pooling follows ``manifest`` (how the shown vectors were made).
    """
    from semvec_studio.core.extract.encode import ExtractOptions, extract  # imports torch: runner thread only

    n_layers = lm.num_layers
    options = ExtractOptions(levels=(level,), layers=tuple(range(n_layers + 1)), layer_combine="concat",
                             word_pooling=manifest.get("word_pooling", "mean"), pooling=manifest.get("pooling", "mean"),
                             include_special=True)
    out = extract(lm, [text], options, ctx)[level]
    if level == "sentence":
        row = 0
    else:
        hit = np.nonzero(np.asarray(out.metadata["position"]) == position)[0]
        if not len(hit):
            raise UsageError(f"position {position} is not in this text; pick a point again.")
        row = int(hit[0])
    per_layer = np.asarray(out.vectors[row], dtype=np.float32).reshape(n_layers + 1, -1)
    return per_layer, project(per_layer, ProjectionParams(method="pca"), ctx, quality=False)


def write_coordinates(path: str, coords: np.ndarray, rows: np.ndarray, metadata: dict, ctx=None) -> str:
    """Write ``x``, ``y``, ``row`` (the set row) and the metadata columns as a TSV file,
    atomically: the layout of ``semvec project``'s projection.tsv."""
    fmt = [FLOAT_FMT % v for v in np.asarray(coords, dtype=np.float32).reshape(-1).tolist()]
    table = {"x": fmt[0::2], "y": fmt[1::2], "row": np.asarray(rows, dtype=np.int64)}
    table.update({k: v for k, v in metadata.items() if k not in table})
    n = len(coords)
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        for start in range(0, max(n, 1), 50_000):
            write_metadata_tsv(fh, table, start, min(n, start + 50_000), header=start == 0)
            if ctx is not None:
                ctx.check_cancelled()
                ctx.report(min(n, start + 50_000), n, "writing coordinates")
    return path
