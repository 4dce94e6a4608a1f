"""Typed, user-facing errors.

Every error the core raises on bad input is a :class:`SemvecError` whose message is one line
that says what was wrong, where (file, row, column) and what to do. The CLI prints it and exits
with :attr:`SemvecError.exit_code`; the GUI shows it inline.

What to do depends on where the user is: the command line has flags (``--encoding``), the app
has controls ("the Encoding box"). ``str(err)`` is worded for the command line and scripts;
``err.for_gui()`` is the app's wording when the error carries one (``gui=``), else the same text.
``field`` names the option at fault, so a form can put the message next to its control.
"""

from __future__ import annotations


class SemvecError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` is the one-line message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, gui: str | None = None, field: str | None = None):
        self.message = " ".join(message.split())
        self.hint = hint
        self.gui = " ".join(gui.split()) if gui else None
        self.field = field
        super().__init__(self.message if not hint else f"{self.message} {hint}")

    def for_gui(self) -> str:
        """The message as the desktop app shows it (its own control names, no CLI flags)."""
        return self.gui or str(self)


class UsageError(SemvecError):
    """Options that do not make sense together, or an invalid value."""


class InputError(SemvecError):
    """An input file or stream cannot be read as texts."""


class ModelError(SemvecError):
    """A checkpoint cannot be found, trusted or loaded."""


class PickleWeightsError(ModelError):
    """The checkpoint has only pickle (``*.bin``) weights and pickle was not allowed."""


class RemoteCodeError(ModelError):
    """The checkpoint needs code from its repository (``trust_remote_code``), which we never run."""


class TokenizerError(ModelError):
    """No tokenizer, or only a slow one (offsets need a fast tokenizer)."""


class WeightsError(ModelError):
    """Weights missing, corrupt or truncated."""


class OutputError(SemvecError):
    """The output location cannot be written."""


class MissingExtraError(SemvecError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, package: str, extra: str):
        super().__init__(
            f"{feature} needs the optional package '{package}', which is not installed; "
            f"install it with: pip install 'semvec-studio[{extra}]'"
        )
        self.package = package
        self.extra = extra


class Cancelled(Exception):
    """Raised by :meth:`TaskContext.check_cancelled` when the user cancelled the job.

    Not a SemvecError: cancelling is not a mistake. The CLI exits 130.
    """
