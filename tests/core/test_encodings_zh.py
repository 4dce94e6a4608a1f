"""Files Chinese users have: GB18030/GBK (Excel on Chinese Windows), Big5, UTF-16 with a byte order
mark, read right with the encoding named in a warning, short files included; --encoding wins over
a wrong guess; Korean, Japanese and Western files are not taken for Chinese."""

from __future__ import annotations

import codecs

import pytest

from semvec_studio.cli import main
from semvec_studio.core.errors import InputError
from semvec_studio.core.io.decoding import CHINESE_SCORE, chinese_score, decode_bytes
from semvec_studio.core.io.tables import read_table
from semvec_studio.core.io.texts import read_texts
from semvec_studio.core.resources import demo_corpus_zh_path, demo_labelled_csv_zh_path
from semvec_studio.core.train.data import read_labelled

SIMPLIFIED = "我在银行工作，他在路上行走。\n这首诗的第一行写得特别好。\n晚上我给妈妈打电话。\n"
TRADITIONAL = "這家餐廳的服務很好，我們下次還會再來。\n今天天氣很好，我們去公園散步吧。\n"
EXCEL_CSV = "text,label\r\n质量很好，物流也很快,正面\r\n用了两天就坏了,负面\r\n"  # what Excel's "CSV" writes on Chinese Windows (GBK)

# Short files that charset_normalizer alone reads as cp949, Big5, Shift_JIS or UTF-16
SHORT = [("我喜欢吃苹果", "gb18030"), ("中文", "gb18030"), ("银行", "gb18030"), ("我在银行工作。", "gb18030"),
         ("text,label\n质量很好,正面\n太差了,负面\n", "gb18030"), ("中文", "big5"), ("我愛你", "big5"), ("電影院", "big5"),
         ("這家餐廳的服務很好，我們下次還會再來。", "big5"), ("text,label\n這部電影很好看,正面\n服務態度很差,負面\n", "big5")]


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("text,enc", SHORT)
def test_short_chinese_files_are_read_right(text, enc):
    decoded, used, warnings = decode_bytes(text.encode(enc), "f.txt")
    assert decoded == text and used == enc
    assert warnings == [f"f.txt: not UTF-8, read as {enc} (detected); pass --encoding to override"]


@pytest.mark.parametrize("enc", ["gb18030", "gbk", "gb2312"])
def test_gb_text_file(tmp_path, enc):
    path = write(tmp_path, "zh.txt", SIMPLIFIED.encode(enc))
    corpus = read_texts([path])
    assert corpus.texts == SIMPLIFIED.splitlines()
    assert corpus.encodings[str(path)] == "gb18030"  # GBK and GB2312 are subsets of GB18030
    assert corpus.warnings == [f"{path}: not UTF-8, read as gb18030 (detected); pass --encoding to override"]


def test_excel_gbk_csv_and_labelled_file(tmp_path):
    path = write(tmp_path, "reviews.csv", EXCEL_CSV.encode("gbk"))
    table = read_table(path)
    assert table.header == ["text", "label"] and table.rows == [["质量很好，物流也很快", "正面"], ["用了两天就坏了", "负面"]]
    assert table.encoding == "gb18030" and "read as gb18030" in table.warnings[0]
    data = read_labelled(path)
    assert data.labels == ["正面", "负面"] and data.lines == [2, 3]


def test_the_chinese_demo_files_re_encoded(tmp_path):
    for source, enc in ((demo_labelled_csv_zh_path(), "gb18030"), (demo_corpus_zh_path(), "gb18030"), (demo_corpus_zh_path(), "utf-16")):
        text = source.read_text(encoding="utf-8")
        path = write(tmp_path, f"{enc}{source.suffix}", text.encode(enc))
        read = read_texts([path])
        assert read.texts == read_texts([source]).texts and read.encodings[str(path)] == enc
    data = read_labelled(write(tmp_path, "gb.csv", demo_labelled_csv_zh_path().read_text(encoding="utf-8").encode("gb18030")))
    assert len(data) == 300 and set(data.labels) == {"正面", "负面"}


def test_big5_text_file(tmp_path):
    path = write(tmp_path, "tw.txt", TRADITIONAL.encode("big5"))
    corpus = read_texts([path])
    assert corpus.texts == TRADITIONAL.splitlines() and corpus.encodings[str(path)] == "big5"
    path = write(tmp_path, "tw_cp950.txt", ("€ " + TRADITIONAL).encode("cp950"))  # Windows' Big5 (its euro sign is not in Big5)
    assert read_texts([path]).texts[0] == "€ " + TRADITIONAL.splitlines()[0]


@pytest.mark.parametrize("enc,bom", [("utf-16", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                     ("utf-32", b"")])
def test_utf16_and_utf32_by_their_byte_order_mark(tmp_path, enc, bom):
    path = write(tmp_path, "u.csv", bom + EXCEL_CSV.encode(enc))
    table = read_table(path)
    assert table.rows == [["质量很好，物流也很快", "正面"], ["用了两天就坏了", "负面"]]
    family = "utf-32" if "32" in enc else "utf-16"
    assert table.encoding == family and table.warnings == [f"{path}: not UTF-8, read as {family} (its byte order mark)"]
    english = write(tmp_path, "e.txt", bom + "plain English\n".encode(enc))
    assert read_texts([english]).texts == ["plain English"]


def test_explicit_encoding_wins_over_the_guess(tmp_path, capsys):
    korean = "은행"  # two syllables: too short to tell from Chinese (in GB18030 they read as 篮青)
    path = write(tmp_path, "ko.txt", korean.encode("cp949"))
    corpus = read_texts([path], encoding="cp949")
    assert corpus.texts == [korean] and corpus.encodings[str(path)] == "cp949" and corpus.warnings == []
    gb = write(tmp_path, "gb.txt", "中文".encode("gb18030"))
    assert read_texts([gb], encoding="big5").texts == ["中文".encode("gb18030").decode("big5")]  # what was asked, even if wrong
    with pytest.raises(InputError, match="cannot be read as big5"):
        read_texts([write(tmp_path, "x.txt", SIMPLIFIED.encode("utf-8"))], encoding="big5")


def test_explicit_encoding_on_the_command_line(tmp_path, capsys, tiny_chinese):
    path = write(tmp_path, "ko.txt", "银行".encode("gb18030"))
    out = tmp_path / "out"
    rc = main(["extract", str(path), "--model", str(tiny_chinese), "--encoding", "gb18030", "-o", str(out), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    assert '"gb18030"' in (out / "manifest.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("text,enc", [
    ("오늘 날씨가 정말 좋네요. 공원에 산책하러 갈까요?", "cp949"),
    ("text,label\n이 영화 정말 재미있어요,긍정\n서비스가 너무 나빠요,부정\n", "cp949"),
    ("今日はいい天気ですね。公園に散歩に行きましょう。", "shift_jis"),
    ("Le café est très bon ce matin. À bientôt, garçon! C'est l'été.", "cp1252"),
    ("Привет, мир! Как у тебя дела сегодня?", "cp1251"),
])
def test_other_languages_are_not_taken_for_chinese(text, enc):
    decoded, used, _ = decode_bytes(text.encode(enc), "f.txt")
    assert decoded == text and used not in ("gb18030", "big5", "cp950")


def test_chinese_score():
    assert chinese_score("我在银行工作。") >= 0.8 and chinese_score("這家餐廳的服務很好。") >= 0.8
    assert chinese_score("plain ASCII") == 0.0
    assert chinese_score("茄惫绢 巩厘涝聪") < CHINESE_SCORE  # Korean bytes read as GB18030
    assert chinese_score("羉砰いゅ\ue019\ue67f") < CHINESE_SCORE  # Big5 bytes read as GB18030
