"""Qt-free core: everything a script, the CLI or a test needs.

Nothing under this package may import PySide6 or pyqtgraph (a test enforces it). Importing it
sets the offline environment (:mod:`semvec_studio.core.offline`) before any module of the package
can import transformers or huggingface_hub.
"""

from semvec_studio.core import offline  # noqa: F401
