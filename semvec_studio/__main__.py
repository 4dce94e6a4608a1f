"""``python -m semvec_studio`` opens the desktop workbench (the CLI is ``semvec``)."""

from __future__ import annotations

import sys

from semvec_studio.launch import main

if __name__ == "__main__":
    sys.exit(main())
