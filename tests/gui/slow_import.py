"""The import of the rest of a workspace's rows as the GUI tests want it, in the child process the
app runs it in (a monkeypatch of the test's own process does not reach there): 4 blocks a
transaction, each a little slower, so a test acts while the rest is still coming."""

from __future__ import annotations

import time


def finish_import(path, ctx=None):
    from semvec_studio.core.workspace import staged  # noqa: PLC0415 - imported in the child, where it is patched

    staged.COMMIT_BLOCKS = 4
    commit = staged._commit
    staged._commit = lambda *a: (time.sleep(0.05), commit(*a))[1]
    return staged.finish_import(path, ctx)
