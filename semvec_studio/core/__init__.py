"""Qt-free core: everything a script, the CLI or a test needs.

Nothing under this package may import PySide6 or pyqtgraph (a test enforces it).
"""
