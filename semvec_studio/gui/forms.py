"""A form generated from an options dataclass's field table (:mod:`semvec_studio.core.options`):
one control per field, labelled, with its help as tooltip, its range and choices, and the words
for None or 0 shown in the control. The same table gives the CLI's options, so the two cannot
drift; :meth:`OptionsForm.values` and :meth:`OptionsForm.set_values` are the round trip."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from semvec_studio.core.options import OptionField, fields_of
from semvec_studio.gui.i18n import translate

# The fields' words are translated in context "Options": semvec_studio.gui.option_texts lists them
# for lupdate (generated from the core's tables by `make translations`).

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int


def words(text: str) -> str:
    """``text`` (a label, help or special value of a field) in the interface's language."""
    return translate("Options", text) if text else text


def _tooltip(f: OptionField) -> str:
    shown = words(f.option.help)
    return f"{shown[:1].upper()}{shown[1:]}." if shown == f.option.help else shown


def make_control(f: OptionField) -> QWidget:
    """The control for one field, showing its default."""
    opt = f.option
    if f.kind is bool:
        w = QCheckBox(words(opt.label))
    elif opt.choices:
        w = QComboBox()
        w.addItems(list(opt.choices))
    elif f.kind is int:
        w = QSpinBox()
        low = 0 if f.optional and opt.none else int(opt.low if opt.low is not None else -INT_LIMIT) + int(opt.low_open)
        high = int(min(opt.high if opt.high is not None else INT_LIMIT, INT_LIMIT)) - int(opt.high_open)
        w.setRange(low, high)
        if f.optional and opt.none:
            w.setSpecialValueText(words(opt.none))
    elif f.kind is float:
        w = QDoubleSpinBox()
        w.setDecimals(opt.decimals or 3)
        tick = 10.0 ** -(opt.decimals or 3)
        low = opt.low if opt.low is not None else -1e12
        high = opt.high if opt.high is not None else 1e12
        w.setRange(low + tick if opt.low_open else low, high - tick if opt.high_open else high)
        if opt.step:
            w.setSingleStep(opt.step)
        if opt.zero and low == 0:
            w.setSpecialValueText(words(opt.zero))  # shown at the minimum, 0
    else:
        w = QLineEdit()
    w.setToolTip(_tooltip(f))
    w.setObjectName(f.name)
    set_control(w, f, f.default)
    return w


def control_value(w: QWidget, f: OptionField):
    """The field's value as the control shows it (0 of an optional number: None)."""
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        data = w.currentData()
        return data if data is not None else w.currentText()
    if isinstance(w, QSpinBox):
        return f.coerce(w.value())
    if isinstance(w, QDoubleSpinBox):
        return f.coerce(round(w.value(), w.decimals()))
    text = w.text().strip()
    return text if text or not f.optional else None


def set_control(w: QWidget, f: OptionField, value) -> None:
    if isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        index = w.findData(value)
        index = index if index >= 0 else w.findText(str(value))
        if index >= 0:
            w.setCurrentIndex(index)
    elif isinstance(w, QSpinBox):
        w.setValue(0 if value is None else int(value))
    elif isinstance(w, QDoubleSpinBox):
        w.setValue(0.0 if value is None or not math.isfinite(value) else float(value))
    else:
        w.setText("" if value is None else str(value))


class OptionsForm(QWidget):
    """Controls for the form fields of ``cls`` (less ``skip``); ``changed`` when one changes.
    Fields in ``custom`` get the widget the caller made (it must be one of the kinds above)."""

    changed = Signal(str)  # field name

    def __init__(self, cls, *, skip: Iterable[str] = (), custom: Mapping[str, QWidget] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hide()  # a holder of controls that live in the caller's layouts, never shown itself
        skip = set(skip)
        self.fields = {f.name: f for f in fields_of(cls) if f.option.form and f.name not in skip}
        self.controls: dict[str, QWidget] = {}
        for name, f in self.fields.items():
            w = (custom or {}).get(name) or make_control(f)
            self.controls[name] = w
            self._connect(name, w)

    def _connect(self, name: str, w: QWidget) -> None:
        signal = {QCheckBox: "toggled", QComboBox: "currentIndexChanged", QSpinBox: "valueChanged",
                  QDoubleSpinBox: "valueChanged", QLineEdit: "editingFinished"}
        for kind, sig in signal.items():
            if isinstance(w, kind):
                getattr(w, sig).connect(lambda *_a, n=name: self.changed.emit(n))
                return

    def __getitem__(self, name: str) -> QWidget:
        return self.controls[name]

    def label(self, name: str) -> str:
        return words(self.fields[name].option.label)

    def in_group(self, group: str, *, advanced: bool | None = None) -> list[str]:
        return [n for n, f in self.fields.items() if f.option.group == group and (advanced is None or f.option.advanced == advanced)]

    def value(self, name: str):
        return control_value(self.controls[name], self.fields[name])

    def values(self) -> dict:
        return {name: self.value(name) for name in self.fields}

    def set_value(self, name: str, value) -> None:
        set_control(self.controls[name], self.fields[name], value)

    def set_values(self, values: Mapping) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.set_value(name, value)
