"""`python -m semvec_studio.cli`: the same as the `semvec` command."""

import sys

from semvec_studio.cli import main

sys.exit(main())
