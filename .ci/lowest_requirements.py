"""Print the core dependencies of pyproject.toml pinned to their declared floors ("pkg>=1.2" ->
"pkg==1.2"), for `make test-min`. torch is left out: it is installed first from TORCH_SPEC (the
CPU build on this project's CI; older builds are not available offline). Standard library only."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

SKIP = {"torch"}


def lowest(requirement: str) -> str | None:
    name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip()
    if name.lower() in SKIP:
        return None
    floor = re.search(r">=\s*([0-9][^,; ]*)", requirement)
    if floor is None:
        sys.exit(f"{requirement!r}: no '>=' floor declared; every core dependency needs one")
    return f"{name}=={floor.group(1)}"


def main() -> None:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        pinned = lowest(requirement)
        if pinned:
            print(pinned)


if __name__ == "__main__":
    main()
