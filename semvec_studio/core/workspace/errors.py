"""The typed errors of workspaces: not a workspace, damaged, newer, read-only, unknown row or label.

Each names the file and says what to do, in one line (see :mod:`semvec_studio.core.errors`).
"""

from __future__ import annotations

import os

from semvec_studio.core.errors import InputError, SemvecError, UsageError


class WorkspaceError(SemvecError):
    """Base class of the problems with a workspace file."""


class NotAWorkspaceError(WorkspaceError):
    """The file exists but is not a SemVec workspace (a CSV renamed ``.semvec``, another program's database)."""


class WorkspaceDamagedError(WorkspaceError):
    """The file is a workspace whose content cannot be read (damaged or truncated)."""


class NewerWorkspaceError(WorkspaceError):
    """The file was written by a newer SemVec Studio, in a format this version does not know."""


class WorkspaceReadOnlyError(WorkspaceError):
    """A write was asked of a workspace opened read-only."""


class WorkspaceMissingError(WorkspaceError, InputError):
    """No workspace at the path given."""


class RowError(UsageError):
    """A row number or a label that the workspace does not have."""


def not_a_workspace(path: str | os.PathLike, what: str) -> NotAWorkspaceError:
    return NotAWorkspaceError(
        f"{os.fspath(path)}: not a SemVec workspace ({what}); choose a .semvec file made by SemVec Studio,"
        " or make one from a CSV, TSV, JSONL or TXT file with: semvec workspace new NAME.semvec FILE",
        gui=f"{os.fspath(path)}: not a SemVec workspace ({what}); open a .semvec file made by SemVec Studio,"
        " or make a new workspace from your CSV, TSV, JSONL or TXT file.")


def damaged(path: str | os.PathLike, what: str) -> WorkspaceDamagedError:
    return WorkspaceDamagedError(
        f"{os.fspath(path)}: the workspace is damaged ({what}); restore it from a backup copy,"
        " or make a new one from your original files with: semvec workspace new",
        gui=f"{os.fspath(path)}: the workspace is damaged ({what}); restore it from a backup copy,"
        " or make a new workspace from your original files.")
