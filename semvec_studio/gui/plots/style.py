"""Colours and fonts for pyqtgraph plots, taken from the Qt palette so plots follow light and
dark themes instead of pyqtgraph's fixed black background."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

AXES = ("left", "bottom", "right", "top")
TICK_POINT_SIZE = 9
LABEL_POINT_SIZE = 10


def palette_colors(widget: QWidget) -> tuple[QColor, QColor]:
    """(background, foreground) for a plot inside ``widget``."""
    pal = widget.palette()
    return pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)


def is_dark(widget: QWidget) -> bool:
    return palette_colors(widget)[0].lightness() < 128


def tick_font(widget: QWidget, point_size: int = TICK_POINT_SIZE) -> QFont:
    font = QFont(widget.font())
    font.setPointSize(point_size)
    return font


def style_plot(view: pg.GraphicsView, plot: pg.PlotItem, widget: QWidget) -> None:
    """Give ``plot`` (shown in ``view``) the palette's background, text colour and fonts."""
    bg, fg = palette_colors(widget)
    view.setBackground(bg)
    font = tick_font(widget)
    for name in AXES:
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))
        axis.setStyle(tickFont=font)
        if axis.label is not None:
            axis.label.setFont(tick_font(widget, LABEL_POINT_SIZE))
    plot.titleLabel.opts["color"] = fg


def axis_label(plot: pg.PlotItem, axis: str, text: str, widget: QWidget, color: QColor | str | None = None) -> None:
    fg = color if color is not None else palette_colors(widget)[1]
    plot.setLabel(axis, text, color=pg.mkColor(fg).name(), **{"font-size": f"{LABEL_POINT_SIZE}pt"})


def with_readout(owner: QWidget, graphics: QWidget) -> QLabel:
    """Lay ``graphics`` out in ``owner`` with a one-line readout under it (hover values, counts);
    returns the readout label, which never widens its owner."""
    readout = QLabel(" ", owner)
    readout.setTextFormat(Qt.TextFormat.PlainText)
    readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    readout.setContentsMargins(6, 0, 6, 2)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(graphics, 1)
    layout.addWidget(readout)
    return readout
