"""Chinese glyphs everywhere: where the system has no font for Simplified Chinese (a minimal Linux
install, a container), register the shipped fallback font (``resources/fonts``, Droid Sans
Fallback, Apache-2.0) and make it the substitute of every family the app draws with, so that
widgets, item views and pyqtgraph's labels (all Qt fonts) show Chinese as glyphs, not boxes.

Where the system has such a font (Windows, macOS, most Linux desktops), Qt's own font fallback
finds it and nothing is loaded. Call :func:`install_cjk_fallback` once, after the QApplication is
made and before any window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from semvec_studio.core.resources import resources_dir

__all__ = ["FALLBACK_FONT", "GENERIC_FAMILIES", "fallback_font_path", "has_cjk_font", "install_cjk_fallback"]

FALLBACK_FONT = Path("fonts") / "DroidSansFallbackFull.ttf"
# Names widgets or plots may ask for besides the families the system has (Qt maps them itself).
GENERIC_FAMILIES = ("Sans Serif", "Serif", "Monospace", "Helvetica", "Arial", "Courier", "Courier New", "Times",
                    "DejaVu Sans", "DejaVu Sans Mono", "Segoe UI", ".AppleSystemUIFont")
_registered: str | None = None


def fallback_font_path() -> Path | None:
    """The shipped CJK font, or None when this installation lacks it."""
    root = resources_dir()
    path = root / FALLBACK_FONT if root is not None else None
    return path if path is not None and path.is_file() else None


def has_cjk_font() -> bool:
    """True when some installed family draws Simplified Chinese."""
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def install_cjk_fallback(app: QGuiApplication | None = None, *, force: bool = False) -> str | None:
    """Register the shipped font and substitute it for every family when no installed font draws
    Chinese (or when ``force``); returns its family name, or None when nothing was needed or it
    is missing. Idempotent."""
    global _registered
    if _registered is not None:
        return _registered
    if not force and has_cjk_font():
        return None
    path = fallback_font_path()
    if path is None:
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    family = families[0]
    app = app or QGuiApplication.instance()
    used = {QFontDatabase.systemFont(kind).family() for kind in QFontDatabase.SystemFont}
    if app is not None:
        used.add(app.font().family())
    for name in sorted(used | set(GENERIC_FAMILIES) | set(QFontDatabase.families())):
        if name != family and family not in QFont.substitutes(name):
            QFont.insertSubstitution(name, family)
    _registered = family
    return family
