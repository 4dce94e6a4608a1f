"""The Chinese interface: the language chosen (saved setting, else the system locale), the app
starting in Chinese under ``LANG=zh_CN.UTF-8``, View > Language, the translation's coverage of
the GUI's strings, its placeholders, and Chinese glyphs where the system has no CJK font."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication, QMenu

from semvec_studio.gui import i18n

REPO = Path(__file__).resolve().parents[2]
GUI = REPO / "semvec_studio" / "gui"
TS = REPO / "resources" / "translations" / "semvec_studio_zh_CN.ts"
COVERAGE = 1.0  # every GUI string has its Chinese translation (marked finished) in the same commit
# GUI modules whose strings are not wrapped in tr() yet: the approximate check below skips them
# (remove a module from here when it is wrapped). Their strings count in the coverage test once wrapped.
NOT_YET_WRAPPED: set[str] = set()  # every module of the GUI goes through tr()
MIN_STRINGS = 1000  # a sanity bound on what lupdate finds (raised as modules are wrapped)


@pytest.fixture(scope="module")
def built_translations():
    """The .qm files, built from the .ts as `make` builds them (when missing or older)."""
    spec = importlib.util.spec_from_file_location("translations", REPO / "packaging" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()
    assert i18n.qm_path("zh_CN") is not None


@pytest.fixture
def english_afterwards():
    yield
    i18n.install(QApplication.instance(), "en")


def _clean_locale_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


START_AND_REPORT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from semvec_studio.gui import app, i18n

def report():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow))
    print("LANGUAGE", i18n.installed_language())
    print("MENUS", "|".join(a.text() for a in window.menuBar().actions()))
    window.close()

qt_app = QApplication(["semvec-studio"])  # before the timer (app.run takes this one)
QTimer.singleShot(300, report)
sys.exit(app.run([], model=sys.argv[1], **({"language": sys.argv[2]} if len(sys.argv) > 2 else {})))
"""


def _start(tmp_path, model, env, *args) -> dict:
    env = dict(env, SEMVEC_STUDIO_SETTINGS=str(tmp_path / "settings.ini"))
    proc = subprocess.run([sys.executable, "-c", START_AND_REPORT, str(model), *args], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines() if line.startswith(("LANGUAGE ", "MENUS ")))


def test_app_starts_in_chinese_under_a_chinese_locale(tmp_path, tiny_bert, built_translations):
    seen = _start(tmp_path, tiny_bert, _clean_locale_env(LANG="zh_CN.UTF-8"))
    assert seen["LANGUAGE"] == "zh_CN"
    assert seen["MENUS"].split("|")[:3] == ["文件(&F)", "运行(&R)", "视图(&V)"]


def test_app_starts_in_english_elsewhere_and_when_asked(tmp_path, tiny_bert, built_translations):
    seen = _start(tmp_path, tiny_bert, _clean_locale_env(LANG="en_US.UTF-8"))
    assert seen["LANGUAGE"] == "en" and seen["MENUS"].startswith("&File|&Run|&View")
    seen = _start(tmp_path, tiny_bert, _clean_locale_env(LANG="zh_CN.UTF-8"), "en")  # --lang en
    assert seen["LANGUAGE"] == "en" and seen["MENUS"].startswith("&File")


def test_saved_choice_wins_over_the_system(tmp_path, tiny_bert, built_translations):
    QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).setValue("language", "zh_CN")
    seen = _start(tmp_path, tiny_bert, _clean_locale_env(LANG="en_US.UTF-8"))
    assert seen["LANGUAGE"] == "zh_CN" and seen["MENUS"].startswith("文件(&F)")


@pytest.mark.parametrize(("ui_language", "expected"), [
    ("zh_CN", "zh_CN"), ("zh_SG", "zh_CN"), ("zh", "zh_CN"), ("zh_TW", "en"), ("zh_HK", "en"), ("en_GB", "en"),
    ("fr_FR", "en"), ("C", "en"),
])
def test_system_locale_resolves_to_a_shipped_language(ui_language, expected):
    assert i18n.resolve("system", QLocale(ui_language)) == expected
    assert i18n.resolve("zh_CN", QLocale("fr_FR")) == "zh_CN"


def test_install_translates_and_english_removes_it(qapp, built_translations, english_afterwards):
    assert i18n.install(qapp, "zh_CN") == "zh_CN"
    assert i18n.translate("Chrome", "&File") == "文件(&F)"
    assert i18n.translate("QPlatformTheme", "Cancel") == "取消"  # Qt's own strings (qtbase_zh_CN.qm)
    assert i18n.install(qapp, "en") == "en"
    assert i18n.translate("Chrome", "&File") == "&File"


def test_view_language_menu_saves_the_choice(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    view = next(m for m in window.findChildren(QMenu) if m.title() == "&View")
    menu = window.findChild(i18n.LanguageMenu)
    assert menu.menuAction() in view.actions() and menu.title() == "&Language"
    names = [a.text() for a in menu.actions() if a.isCheckable()]
    assert names == ["System (English)", "English", "简体中文"]
    assert [a.isChecked() for a in menu.actions() if a.isCheckable()] == [True, False, False]
    chinese = next(a for a in menu.actions() if a.text() == "简体中文")
    chinese.trigger()
    assert window.settings.value("language") == "zh_CN"
    assert i18n.chosen_language(window.settings) == "zh_CN"
    assert [a.isChecked() for a in menu.actions() if a.isCheckable()] == [False, False, True]
    assert "next started" in window.statusBar().currentMessage()
    assert QApplication.translate("Chrome", "&File") == "&File"  # applies after a restart, not now
    next(a for a in menu.actions() if a.isCheckable() and a.data() == "system").trigger()
    assert i18n.chosen_language(window.settings) == "system"


def test_unknown_saved_language_means_system(tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "xx_YY")
    assert i18n.chosen_language(settings) == "system"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.save_language("xx_YY", settings)


def test_counted_picks_the_english_form():
    assert i18n.counted(1, "{0} row", "{0} rows") == "1 row"
    assert i18n.counted(2500, "{0} row", "{0} rows") == "2,500 rows"


# --- the translation itself ---------------------------------------------------------------------

def _lupdate() -> str:
    here = Path(sys.executable).parent
    found = next((str(here / n) for n in ("pyside6-lupdate", "pyside6-lupdate.exe") if (here / n).is_file()), None)
    found = found or shutil.which("pyside6-lupdate")
    assert found, "pyside6-lupdate not found beside this Python or on PATH (it comes with PySide6)"
    return found


@pytest.fixture(scope="module")
def current_messages(tmp_path_factory) -> list[tuple[str, str, str | None]]:
    """(context, source, translation or None) for every string lupdate finds in the whole gui
    package now, with the committed .ts's translations merged in (as `make translations` does)."""
    ts = tmp_path_factory.mktemp("ts") / TS.name
    shutil.copy(TS, ts)
    subprocess.run([_lupdate(), "-extensions", "py", "-locations", "none", "-no-obsolete", str(GUI), "-ts", str(ts)],
                   check=True, capture_output=True, text=True, timeout=120)
    return _messages(ts)


def _messages(ts: Path) -> list[tuple[str, str, str | None]]:
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation.get("type") in ("vanished", "obsolete"):
                continue
            done = translation.get("type") != "unfinished" and (translation.text or "").strip()
            found.append((name, message.findtext("source"), translation.text if done else None))
    return found


def test_chinese_covers_the_gui_strings(current_messages):
    untranslated = [(c, s) for c, s, t in current_messages if t is None]
    share = 1 - len(untranslated) / len(current_messages)
    assert len(current_messages) >= MIN_STRINGS
    assert share >= COVERAGE, (f"{len(untranslated)} of {len(current_messages)} GUI strings have no Chinese translation "
                               f"({share:.1%} < {COVERAGE:.0%}); run `make translations` and translate them in "
                               f"{TS.relative_to(REPO)}, e.g. {untranslated[:5]}")


PLACEHOLDER = re.compile(r"\{\d*\}|%\d|%n")
TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def test_translations_keep_placeholders_mnemonics_and_markup(current_messages):
    wrong = []
    for context, source, translation in current_messages:
        if translation is None:
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
            wrong.append((context, source, translation, "placeholders"))
        if re.search(r"&\w", source.replace("&&", "")) and not re.search(r"&\w", translation.replace("&&", "")):
            wrong.append((context, source, translation, "mnemonic"))
        if sorted(TAG.findall(source)) != sorted(TAG.findall(translation)):
            wrong.append((context, source, translation, "markup"))
        if source.count("\n") != translation.count("\n") and source.count("\n") > 0 and "<" not in source:
            wrong.append((context, source, translation, "lines"))
    assert not wrong, wrong[:10]


# --- an approximate check that shown strings go through tr() -------------------------------------

SHOWN_BY = {"setText", "setToolTip", "setStatusTip", "setWindowTitle", "setPlaceholderText", "setTitle", "addTab",
            "setTabText", "showMessage", "setLabelText", "setWhatsThis", "show_error", "show_info", "show_warning",
            "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QToolButton", "QAction", "addMenu"}


def _untranslated_literals(path: Path) -> list[str]:
    """Literal English words (markup left out) passed to a text setter; a line marked
    ``# i18n: data`` (a search typed in for a screenshot, say) is not shown text."""
    found = []
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0] if name != "addTab" or len(node.args) < 2 else node.args[1]
        if name not in SHOWN_BY:
            continue
        text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if isinstance(first, ast.JoinedStr):
            text = "".join(v.value for v in first.values if isinstance(v, ast.Constant))
        words = re.sub(r"<[^>]*>", " ", text or "")
        if re.search(r"[a-z]{3,}", words) and text.strip() not in NOT_WORDS and "# i18n: data" not in lines[node.lineno - 1]:
            found.append(f"{path.relative_to(GUI)}:{node.lineno}: {name}({text[:40]!r})")
    return found


NOT_WORDS = {"SemVec Studio", "PCA", "UMAP", "t-SNE", "CSV", "JSONL", "npy"}


def test_shown_strings_go_through_tr():
    """Every literal passed to a widget's text setter is wrapped (approximate: setters only)."""
    files = [p for p in sorted(GUI.rglob("*.py")) if p.relative_to(GUI).as_posix() not in NOT_YET_WRAPPED]
    found = [hit for path in files for hit in _untranslated_literals(path)]
    assert not found, "\n".join(found[:30])


# --- Chinese glyphs without a system CJK font ---------------------------------------------------

NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>{dirs}<cachedir>{cache}</cachedir></fontconfig>
"""

GLYPHS = """
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMenu
from semvec_studio.gui import fonts
from semvec_studio.gui.selftest_i18n import SAMPLE, missing_glyphs
app = QApplication([])
print("SYSTEM", fonts.has_cjk_font())
print("BEFORE", "".join(missing_glyphs(SAMPLE, app.font())))
print("FAMILY", fonts.install_cjk_fallback(app))
for font in (app.font(), QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont), QFont("Monospace"), QFont("Helvetica")):
    print("AFTER", font.family(), "".join(missing_glyphs(SAMPLE, font)) or "-")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig (Linux): the test hides the system's CJK fonts")
def test_chinese_has_glyphs_where_the_system_has_no_cjk_font(tmp_path):
    dirs = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts/truetype/dejavu",) if Path(d).is_dir())
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_CJK_FONTS.format(dirs=dirs, cache=tmp_path / "cache"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", GLYPHS], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env=_clean_locale_env(FONTCONFIG_FILE=str(conf)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line.split(" ", 1) for line in proc.stdout.splitlines()]
    seen = {k: v for k, v in lines if k != "AFTER"}
    assert seen["SYSTEM"] == "False" and seen["BEFORE"], proc.stdout  # boxes without the shipped font
    assert seen["FAMILY"] == "Droid Sans Fallback"
    after = [v for k, v in lines if k == "AFTER"]
    assert len(after) == 4 and all(v.endswith(" -") for v in after), after


def test_the_system_cjk_font_is_kept_when_there_is_one(qapp):
    from semvec_studio.gui import fonts
    from semvec_studio.gui.selftest_i18n import SAMPLE, missing_glyphs

    if fonts.has_cjk_font():
        assert fonts.install_cjk_fallback(qapp) is None  # nothing registered over the system's
    else:
        assert fonts.install_cjk_fallback(qapp) == "Droid Sans Fallback"
    assert not missing_glyphs(SAMPLE, qapp.font())


def test_launch_offers_the_languages_the_app_has():
    from semvec_studio import launch

    assert launch.LANGUAGES == tuple(i18n.LANGUAGES) and launch.SYSTEM == i18n.SYSTEM
    assert launch.build_parser().parse_args(["--lang", "zh_CN", "--screenshots", "out"]).lang == "zh_CN"


def test_the_forms_words_are_listed_for_translation():
    """gui/option_texts.py (what lupdate reads for the generated forms) is current with the core's
    option tables: `make translations` writes it."""
    from semvec_studio.gui import option_texts_gen

    assert option_texts_gen.TARGET.read_text(encoding="utf-8") == option_texts_gen.render(), "run `make translations`"


def test_a_form_shows_its_fields_translated(qapp, built_translations, english_afterwards):
    from semvec_studio.core.train.params import TrainParams
    from semvec_studio.gui.forms import OptionsForm

    assert OptionsForm(TrainParams).label("epochs") == "Epochs"
    i18n.install(qapp, "zh_CN")
    form = OptionsForm(TrainParams)
    assert form.label("epochs") == "轮数" and form["epochs"].toolTip() == "遍历训练数据的次数"
    assert form["patience"].specialValueText() == "从不提前停止"


@pytest.mark.slow
@pytest.mark.timeout(900)  # a real (one-epoch) fine-tuning run of the default model among them: minutes on 2 cores
def test_chinese_screenshots(tmp_path, built_translations):
    """--screenshots --lang zh_CN: the window in Chinese, the token view of a Chinese sentence cut
    by jieba, the map of the Chinese sample coloured by label, the Train tab."""
    from PySide6.QtGui import QImage

    from semvec_studio.gui.screenshots import STEPS_ZH

    out = tmp_path / "shots"
    proc = subprocess.run([sys.executable, "-m", "semvec_studio", "--screenshots", str(out), "--lang", "zh_CN"], cwd=REPO,
                          env=_clean_locale_env(LANG="en_US.UTF-8"), capture_output=True, text=True, timeout=840)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {s.name for s in STEPS_ZH} >= {"token_view_zh", "projection_zh", "training_zh"}
    for step in STEPS_ZH:
        image = QImage(str(out / f"{step.name}.png"))
        assert (image.width(), image.height()) == (1280, 800), step.name
