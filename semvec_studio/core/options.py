"""One table of fields for options that several surfaces show.

An options dataclass declares each field with :func:`option`: its default and an :class:`Option`
(help text, the GUI's label, range, choices, group, what None means). The CLI's parser
(:mod:`semvec_studio.cli.options`), the GUI's form (:mod:`semvec_studio.gui.forms`) and saved
settings are generated from that table, and :func:`check` validates values against it, so a new
field is one line and cannot be forgotten by one surface.

Errors name the field the way each surface does: ``--epochs`` on the command line, "Epochs" in
the app (see :class:`~semvec_studio.core.errors.SemvecError`).
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass

from semvec_studio.core.errors import UsageError

__all__ = ["Option", "OptionField", "check", "fields_of", "from_saved", "option", "saved_state"]


@dataclass(frozen=True)
class Option:
    """What every surface needs to know of one field."""

    help: str  # one or two sentences; the CLI adds the default
    label: str  # the GUI's name of the control
    group: str  # CLI argument group and GUI form section
    flag: str = ""  # the CLI flag; "" = --name-with-dashes
    choices: tuple[str, ...] = ()
    low: float | None = None  # bounds of a number (inclusive unless *_open)
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    rule: str = ""  # what a valid value is, for the error message ("" = said from the bounds)
    none: str = ""  # an optional number: what None means ("never"); 0 stands for None on the CLI and in the form
    zero: str = ""  # a number whose 0 means something in words ("raw weights"), for the form
    step: float | None = None  # GUI spin box step
    decimals: int = 0  # GUI spin box decimals (floats)
    run: bool = True  # changing it changes what is computed (e.g. resume refuses a change)
    cli: bool = True  # a command-line option
    form: bool = True  # a control in the GUI's form
    saved: bool = True  # remembered between sessions of the app
    advanced: bool = False  # shown in the form's "More" section


def option(default, **meta) -> typing.Any:
    """A dataclass field with its :class:`Option`."""
    return dataclasses.field(default=default, metadata={"option": Option(**meta)})


@dataclass(frozen=True)
class OptionField:
    """One field of an options dataclass: its name, Python type, default and :class:`Option`."""

    name: str
    kind: type  # int, float, str or bool
    optional: bool  # None is a value
    default: typing.Any
    option: Option

    @property
    def flag(self) -> str:
        return self.option.flag or "--" + self.name.replace("_", "-")

    def names(self, surface: str) -> str:
        """How ``surface`` ("cli" or "gui") names this field in a message."""
        return self.flag if surface == "cli" else self.option.label

    def coerce(self, value):
        """``value`` as this field's type (from JSON, QSettings or a form); TypeError/ValueError if it cannot be."""
        if value is None:
            if self.optional:
                return None
            raise ValueError(f"{self.name}: a value is required")
        if self.kind is bool:
            if isinstance(value, str):
                if value.lower() in ("true", "1", "yes"):
                    return True
                if value.lower() in ("false", "0", "no"):
                    return False
                raise ValueError(value)
            return bool(value)
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            out = int(value)
        elif self.kind is float:
            out = float(value)
        else:
            out = str(value)
        if self.optional and self.option.none and out == 0:
            return None
        return out


def fields_of(cls) -> list[OptionField]:
    """The fields of ``cls`` (a dataclass or an instance) that carry an :class:`Option`, in order."""
    cls = cls if isinstance(cls, type) else type(cls)
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        opt = f.metadata.get("option")
        if opt is None:
            continue
        kind, optional = _kind(hints[f.name])
        out.append(OptionField(f.name, kind, optional, f.default, opt))
    return out


def _kind(hint) -> tuple[type, bool]:
    args = typing.get_args(hint)
    if args and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return inner, True
    return hint, False


def check(obj) -> None:
    """Raise :class:`UsageError` for the first field of ``obj`` outside its choices or range; the
    message names the field as each surface does (``--epochs`` / "Epochs")."""
    for f in fields_of(obj):
        value = getattr(obj, f.name)
        problem = _problem(f, value)
        if problem:
            raise UsageError(f"{f.names('cli')} {value}: {problem}", gui=f"{f.names('gui')} {value}: {problem}", field=f.name)


def _problem(f: OptionField, value) -> str:
    opt = f.option
    if value is None:
        return "" if f.optional else "a value is required."
    if opt.choices and value not in opt.choices:
        return f"choose one of {', '.join(opt.choices)}."
    if f.kind in (int, float) and not isinstance(value, bool):
        bad_low = opt.low is not None and (value <= opt.low if opt.low_open else value < opt.low)
        bad_high = opt.high is not None and (value >= opt.high if opt.high_open else value > opt.high)
        if bad_low or bad_high or (f.kind is float and not math.isfinite(value)):
            return opt.rule or _bounds_rule(opt)
    return ""


def _bounds_rule(opt: Option) -> str:
    def num(v):
        return f"{v:g}"

    if opt.low is not None and opt.high is not None:
        lo = f"above {num(opt.low)}" if opt.low_open else f"from {num(opt.low)}"
        hi = f"below {num(opt.high)}" if opt.high_open else f"to {num(opt.high)}"
        return f"give a value {lo} {hi}."
    if opt.low is not None:
        return f"must be above {num(opt.low)}." if opt.low_open else f"must be at least {num(opt.low)}."
    return f"must be below {num(opt.high)}." if opt.high_open else f"must be at most {num(opt.high)}."


def saved_state(obj) -> dict:
    """The fields of ``obj`` marked ``saved``, as plain JSON values."""
    return {f.name: getattr(obj, f.name) for f in fields_of(obj) if f.option.saved}


def from_saved(obj, state: Mapping):
    """``obj`` with the saved fields of ``state`` put back; unknown keys and values that do not fit
    (wrong type, out of range) are ignored, so an old or hand-edited file never stops the app."""
    changes = {}
    for f in fields_of(obj):
        if not f.option.saved or f.name not in state:
            continue
        try:
            value = f.coerce(state[f.name])
        except (TypeError, ValueError):
            continue
        if not _problem(f, value):
            changes[f.name] = value
    return dataclasses.replace(obj, **changes)
