"""The self-test's check of the Chinese interface (``semvec-studio --self-test``, check
``chinese-ui``): the built Simplified Chinese translation loads and translates, Qt's own Chinese
strings are there (required in the bundle, which ships them), and the shipped CJK font draws
Chinese, as does the font the app ends up using (the system's, or the shipped fallback).
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator
from PySide6.QtGui import QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

from semvec_studio.core.resources import is_frozen
from semvec_studio.gui import fonts, i18n

SAMPLE = "中文词元向量"  # drawn with the app's font: every character must have a glyph
PROBE = ("Chrome", "&File", "文件(&F)")  # a context, a source and its translation


class SelfTestError(Exception):
    pass


def missing_glyphs(text: str, font) -> list[str]:
    """The characters of ``text`` that ``font`` (with Qt's fallbacks) draws as no glyph (a box)."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    indexes = [i for run in layout.glyphRuns() for i in run.glyphIndexes()]
    return [ch for ch, i in zip(text, indexes) if i == 0] if len(indexes) == len(text) else list(text)


def check_chinese_interface() -> str:
    app = QApplication.instance() or QApplication(["semvec-studio"])
    path = i18n.qm_path("zh_CN")
    if path is None:
        raise SelfTestError(f"no semvec_studio_zh_CN.qm in {i18n.translations_dir()}: the translations were not built (make qm)")
    translator = QTranslator()
    if not translator.load(str(path)):
        raise SelfTestError(f"{path} does not load as a Qt translation")
    context, source, expected = PROBE
    got = translator.translate(context, source)
    if got != expected:
        raise SelfTestError(f"{path} translates {source!r} as {got!r}, expected {expected!r}")
    qt = next((f for f in i18n._qt_translation_dirs() if (f / f"{i18n.QT_CATALOG}_zh_CN.qm").is_file()), None)
    if qt is None and is_frozen():
        raise SelfTestError("Qt's own Chinese strings (qtbase_zh_CN.qm) are not in the bundle")
    font_file = fonts.fallback_font_path()
    if font_file is None:
        raise SelfTestError("the shipped CJK font (resources/fonts) is missing")
    raw = QRawFont(str(font_file), 16)
    lacking = [ch for ch in SAMPLE if not raw.supportsCharacter(ord(ch))]
    if not raw.isValid() or lacking:
        raise SelfTestError(f"{font_file.name} does not load or lacks {''.join(lacking)}")
    system = fonts.has_cjk_font()
    family = fonts.install_cjk_fallback(app)
    boxes = missing_glyphs(SAMPLE, app.font())
    if boxes:
        raise SelfTestError(f"{''.join(boxes)} would show as boxes in {app.font().family()}")
    where = "a system font" if system else f"the shipped {family}"
    return (f"{path.name} ({path.stat().st_size:,} bytes) translates; Qt's strings "
            f"{'from ' + str(qt) if qt else 'not installed'}; Chinese drawn with {where}")
