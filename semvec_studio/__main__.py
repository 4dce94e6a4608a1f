"""``python -m semvec_studio`` opens the desktop workbench (the CLI is ``semvec``)."""

from __future__ import annotations

from semvec_studio.launch import entry

if __name__ == "__main__":
    entry()
