"""`python -m semvec_studio.cli`: the same as the `semvec` command."""

from semvec_studio.cli import entry

entry()
