"""The interface's language: which one (:func:`chosen_language`), its Qt translators (:func:`install`,
called by :func:`semvec_studio.gui.app.run` before the window is made) and View > Language
(:func:`language_menu`; a change applies at the next start).

The language is the saved setting ``language`` ("system", the default, or a code of
:data:`LANGUAGES`), else, for "system", the system locale (``QLocale.system()``: ``LANG`` on Linux,
the user's display language on Windows and macOS). English is the source language: it needs no
translator. Translations are ``resources/translations/semvec_studio_<code>.ts`` (sources, made by
``make translations``: pyside6-lupdate over ``semvec_studio/gui``) and the ``.qm`` files built from
them by pyside6-lrelease (``make``; never committed); Qt's own strings (standard buttons, file
dialogs) come from Qt's ``qtbase_<code>.qm`` when it is installed.

Conventions for every module under ``gui/`` (lupdate reads the source, so it must see a literal):

- In a QObject subclass (widgets, dialogs, models): ``self.tr("Embed")``; the context is the class
  name. Never ``self.tr(variable)`` or ``self.tr(f"...")``: lupdate cannot see those.
- Outside a class, or in a plain (non-QObject) class: ``translate("ModuleContext", "text")`` (this
  module's alias of ``QCoreApplication.translate``), the context a CamelCase name of the module or
  of the class, e.g. ``translate("Chrome", "&File")``.
- Module-level constants (tuples of titles, dicts of tooltips) are marked with
  ``QT_TRANSLATE_NOOP("Context", "text")`` (which returns the text unchanged) and translated where
  they are shown: ``translate("Context", TITLES[i])``.
- Values go in by position: ``self.tr("{0} of {1} rows").format(a, b)``; a translation may reorder
  them. Numbers keep their English form (``f"{n:,}"``) unless Chinese needs otherwise.
- Counts: ``counted(n, self.tr("{0} row"), self.tr("{0} rows"))`` picks the singular or the plural
  form of the English (Chinese has one form; its translation of both is the same). Do not use
  Qt's ``%n`` plural forms: without an English .qm the English would read "3 row(s)".
- Keep markup and mnemonics in the string (``"&File"``, ``"<b>{0}</b>"``); long texts stay whole
  sentences, one string each, never glued from translated pieces.
- Not translated: file names, formats and extensions, model and method names (PCA, t-SNE,
  UMAP), setting keys, log lines and messages that come from ``core`` (its errors stay English).
- Tests run in English: they make windows without :func:`install`; ``run(..., language="en")``.
- A literal given to a text setter that is data, not interface (a query typed in for a
  screenshot), carries ``# i18n: data`` on its line; tests/gui/test_i18n.py checks the rest and
  lists the modules not wrapped yet (``NOT_YET_WRAPPED``: take yours out when it is wrapped).
- The generated forms' words (labels, help) come from the core's option tables through
  :mod:`semvec_studio.gui.option_texts` (written by ``make translations``).
- After changing strings: ``make translations`` (option texts, lupdate keeping every existing
  translation, the .qm), translate what it added in the .ts (Qt Linguist, or by hand: remove
  ``type="unfinished"``), ``make qm``; a test wants 95% of the GUI's strings translated.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from semvec_studio.core.resources import resources_dir
from semvec_studio.gui import settings as st

__all__ = ["CATALOG", "LANGUAGES", "QT_TRANSLATE_NOOP", "SETTING", "SOURCE_LANGUAGE", "SYSTEM", "chosen_language", "counted", "install",
           "installed_language", "language_menu", "qm_path", "resolve", "save_language", "translate", "translations_dir"]

SETTING = "language"
SYSTEM = "system"
SOURCE_LANGUAGE = "en"
# Each language by its code, named in itself (a menu that lists languages shows them so).
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
CATALOG = "semvec_studio"  # resources/translations/semvec_studio_<code>.qm
QT_CATALOG = "qtbase"  # Qt's own strings, from Qt's translations folder

translate = QCoreApplication.translate
_installed: list[QTranslator] = []  # kept alive while installed (Qt does not own them)
_language = SOURCE_LANGUAGE


def counted(n: float, one: str, many: str) -> str:
    """``one`` or ``many`` (translated strings with a ``{0}``) for ``n``, the number written with
    thousands separators: ``counted(3, self.tr("{0} row"), self.tr("{0} rows"))`` -> "3 rows"."""
    shown = f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}"
    return (one if n == 1 else many).format(shown)


def chosen_language(settings: QSettings | None = None) -> str:
    """The saved choice: "system" or a code of :data:`LANGUAGES`."""
    settings = settings or st.open_settings()
    value = settings.value(SETTING, SYSTEM)
    return value if isinstance(value, str) and (value == SYSTEM or value in LANGUAGES) else SYSTEM


def save_language(choice: str, settings: QSettings | None = None) -> None:
    if choice != SYSTEM and choice not in LANGUAGES:
        raise ValueError(f"unknown language {choice!r}: give one of {SYSTEM}, {', '.join(LANGUAGES)}")
    settings = settings or st.open_settings()
    settings.setValue(SETTING, choice)
    settings.sync()


def resolve(choice: str, system: QLocale | None = None) -> str:
    """The code of :data:`LANGUAGES` that ``choice`` means: itself, or for "system" the first of the
    system's interface languages that the app has (Chinese in Simplified script -> "zh_CN"),
    else English."""
    if choice in LANGUAGES:
        return choice
    for name in (system or QLocale.system()).uiLanguages():
        locale = QLocale(name)
        if locale.language() == QLocale.Language.Chinese:
            if locale.script() != QLocale.Script.TraditionalHanScript and locale.territory() not in _TRADITIONAL:
                return "zh_CN"
            continue  # Traditional Chinese: no translation yet; look further down the list
        if locale.language() == QLocale.Language.English:
            return "en"
    return SOURCE_LANGUAGE


_TRADITIONAL = (QLocale.Country.Taiwan, QLocale.Country.HongKong, QLocale.Country.Macau)


def translations_dir() -> Path | None:
    """``resources/translations`` of this installation (checkout, wheel or bundle), or None."""
    root = resources_dir()
    folder = root / "translations" if root is not None else None
    return folder if folder is not None and folder.is_dir() else None


def qm_path(language: str) -> Path | None:
    """The app's built translation for ``language``, or None when it is not there."""
    folder = translations_dir()
    path = folder / f"{CATALOG}_{language}.qm" if folder is not None else None
    return path if path is not None and path.is_file() else None


def _qt_translation_dirs() -> list[Path]:
    """Where Qt's own .qm files may be: Qt's configured folder, then PySide6's (a frozen bundle)."""
    import PySide6  # noqa: PLC0415 - only its folder is wanted, and only here

    found = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
             Path(PySide6.__file__).resolve().parent / "Qt" / "translations"]
    return list(dict.fromkeys(found))


def install(app: QCoreApplication, language: str | None = None, settings: QSettings | None = None) -> str:
    """Install the translators for ``language`` (a code or "system"; None: the saved choice) on
    ``app``, replacing any installed before. Returns the code in effect ("en" when the language's
    translation is not found)."""
    global _language
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    code = resolve(chosen_language(settings) if language is None else language)
    _language = SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        return _language
    ours = qm_path(code)
    translator = QTranslator(app)
    if ours is None or not translator.load(str(ours)):
        return _language
    app.installTranslator(translator)
    _installed.append(translator)
    for folder in _qt_translation_dirs():
        qt = QTranslator(app)
        if qt.load(f"{QT_CATALOG}_{code}", str(folder)):
            app.installTranslator(qt)
            _installed.append(qt)
            break
    _language = code
    return _language


def installed_language() -> str:
    """The code whose translation :func:`install` put in place ("en" before it is called)."""
    return _language


class LanguageMenu(QMenu):
    """View > Language: System, then each language in its own name; the choice is saved and takes
    effect when the app next starts (a note in the menu says so, and the window's status bar)."""

    def __init__(self, parent=None, settings: QSettings | None = None) -> None:
        super().__init__(self.tr("&Language"), parent)
        self.settings = settings
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        current = chosen_language(settings)
        system_name = LANGUAGES[resolve(SYSTEM)]
        choices = [(SYSTEM, self.tr("System ({0})").format(system_name))] + list(LANGUAGES.items())
        for code, name in choices:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == current)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.choose(c))
            self.group.addAction(action)
            self.addAction(action)
        self.addSeparator()
        note = self.addAction(self.tr("Applies when SemVec Studio is next started"))
        note.setEnabled(False)

    def choose(self, code: str) -> None:
        save_language(code, self.settings)
        for action in self.group.actions():
            action.setChecked(action.data() == code)
        window = self.parent()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(self.tr("The language will change when SemVec Studio is next started."), 10_000)


def language_menu(parent=None, settings: QSettings | None = None) -> QMenu:
    """The Language submenu for ``parent`` (a main window: its status bar confirms a choice)."""
    return LanguageMenu(parent, settings)
