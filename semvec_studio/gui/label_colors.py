"""The map's label colours when a workspace is open: each label in the colour the workspace gives
it, unlabelled points grey, and the suggested labels drawn in their label's colour with an opacity
that grows with the suggestion's confidence (numpy only; :class:`MapColors` hands the result to
the scatter's ``color_by_classes``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate

UNLABELLED = QT_TRANSLATE_NOOP("LabelColors", "unlabelled")
UNLABELLED_COLOR = "#a8a8a8"
SUGGESTED = "suggested"  # the colour-by key of the suggested labels
SUGGESTED_TEXT = QT_TRANSLATE_NOOP("LabelColors", "suggested label")  # drawn as opaque as the suggestion is confident
CONFIDENCE_EDGES = (0.5, 0.7, 0.9)  # a suggestion's confidence -> one of four opacities
CONFIDENCE_ALPHA = (0.18, 0.38, 0.65, 0.95)


@dataclass
class LabelStyle:
    """What the map needs to colour the texts it shows by the workspace's labels: each label's
    colour, and per text the suggested label ('' when none) and its confidence (None before the
    first suggestions)."""

    colours: dict[str, str] = field(default_factory=dict)
    suggested: list[str] | None = None
    confidence: np.ndarray | None = None


def _argb(colour: str, alpha: float) -> str:
    return f"#{int(round(alpha * 255)):02x}{colour.lstrip('#')}"


def _codes_of(values: list[str], names: list[str]) -> np.ndarray:
    lookup = {name: i for i, name in enumerate(names)}
    return np.fromiter((lookup.get(v, len(names)) for v in values), np.int64, len(values))


def label_classes(labels: list[str], style: LabelStyle):
    """(codes, colours, legend) for points with these given labels ('' = unlabelled)."""
    names = [n for n in style.colours if n in set(labels)]
    names += sorted({v for v in labels if v and v not in style.colours})  # a name the workspace lost (renamed since)
    codes = _codes_of(labels, names)  # unlabelled: len(names)
    colours = [style.colours.get(n, UNLABELLED_COLOR) for n in names] + [UNLABELLED_COLOR]
    counts = np.bincount(codes, minlength=len(names) + 1)
    legend = [(n, int(counts[i]), colours[i], (i,)) for i, n in enumerate(names)]
    if counts[len(names)]:
        legend.append((translate("LabelColors", UNLABELLED), int(counts[len(names)]), UNLABELLED_COLOR, (len(names),)))
    return codes, colours, legend


def suggested_classes(labels: list[str], suggested: list[str], confidence: np.ndarray, style: LabelStyle):
    """(codes, colours, legend): a given label in its colour, at full opacity; an unlabelled point
    in the colour of its suggested label, as opaque as the suggestion is confident; grey without one."""
    names = list(style.colours)
    n, bins = len(names), len(CONFIDENCE_ALPHA)
    given = _codes_of(labels, names)
    guess = _codes_of(suggested, names)
    level = np.searchsorted(np.asarray(CONFIDENCE_EDGES), np.asarray(confidence, dtype=np.float64), side="right")
    grey = n + n * bins
    codes = np.where(given < n, given, np.where(guess < n, n + guess * bins + level, grey))
    colours = [style.colours[name] for name in names]
    colours += [_argb(style.colours[name], a) for name in names for a in CONFIDENCE_ALPHA]
    colours.append(UNLABELLED_COLOR)
    counts = np.bincount(codes, minlength=grey + 1)
    legend = [(name, int(counts[i]), colours[i], (i,)) for i, name in enumerate(names) if counts[i]]
    for i, name in enumerate(names):
        group = tuple(range(n + i * bins, n + (i + 1) * bins))
        total = int(counts[list(group)].sum())
        if total:
            legend.append((f"{name}?", total, _argb(style.colours[name], CONFIDENCE_ALPHA[-2]), group))
    if counts[grey]:
        legend.append((translate("LabelColors", UNLABELLED), int(counts[grey]), UNLABELLED_COLOR, (grey,)))
    return codes, colours, legend
