"""The `semvec` command through its public surface: `main([...])` in-process, plus a few real
subprocess runs. Every error exits 2 with one line on stderr and leaves nothing behind."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.cli import main
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.exporters import EXPORTERS
from semvec_studio.core.io.metadata import COLUMNS, escape_cell, unescape_cell
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from tests.checkpoints import REMOTE_CODE_MARKER

TEXTS = [
    "The bank raised interest rates.",
    "Short.",
    "We sat on the river bank and watched the water for a long time, and then we went home.",
    "Cats and dogs.",
    "A quick brown fox jumps over the lazy dog.",
]
BIN = Path(sys.executable).parent


# --- helpers ----------------------------------------------------------------------------------

def cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, err: str, *needles: str) -> str:
    assert rc == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("semvec: error: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


def assert_nothing_left(parent: Path) -> None:
    """No output folder and no hidden .partial temp folder (or file) next to it."""
    assert sorted(p.name for p in parent.iterdir()) == []


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    """Keep the weights-hash cache out of the user's ~/.cache (shared by this session's tests)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def out_parent(tmp_path) -> Path:
    parent = tmp_path / "outputs"
    parent.mkdir()
    return parent


@pytest.fixture
def out(out_parent) -> Path:
    return out_parent / "vectors"


@pytest.fixture
def txt(tmp_path) -> Path:
    """The TEXTS, one per line, no blank lines (so no 'skipped' notes on stderr)."""
    path = tmp_path / "inputs" / "texts.txt"
    path.parent.mkdir()
    path.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return path


_lm: dict = {}


def reference(ckpt: Path, level: str, texts: list[str], **options) -> EmbeddingSet:
    """Each text extracted on its own, in memory, concatenated: the expected output in input order."""
    if ckpt not in _lm:
        _lm[ckpt] = load_model(ckpt, device="cpu")
    parts = [extract(_lm[ckpt], [t], ExtractOptions(levels=(level,), **options))[level] for t in texts]
    vectors = np.concatenate([p.vectors for p in parts])
    meta = {}
    for name, kind in COLUMNS[level].items():
        if kind is int:
            values = [p.metadata[name] + (i if name == "text_id" else 0) for i, p in enumerate(parts)]
            meta[name] = np.concatenate(values)
        else:
            meta[name] = [v for p in parts for v in p.metadata[name]]
    return EmbeddingSet(vectors, meta, {}, level)


# --- info -------------------------------------------------------------------------------------

INFO_KEYS = {"architecture", "num_layers", "hidden_size", "num_heads", "vocab_size", "parameters",
             "max_positions", "tokenizer_kind", "weights_format", "weights_sha256"}


def test_info_json_facts(capsys, tiny_checkpoint):
    rc, out, err = cli(capsys, "info", "--model", tiny_checkpoint, "--json")
    assert rc == 0, err
    info = json.loads(out)
    assert INFO_KEYS <= set(info)
    cfg = json.loads((tiny_checkpoint / "config.json").read_text(encoding="utf-8"))
    from safetensors import safe_open

    with safe_open(str(tiny_checkpoint / "model.safetensors"), "pt") as fh:
        n_params = sum(int(np.prod(fh.get_slice(k).get_shape())) for k in fh.keys())
    assert (info["num_layers"], info["hidden_size"], info["num_heads"], info["max_positions"]) == (2, 32, 2, 128)
    assert info["architecture"] == cfg["architectures"][0]
    assert info["vocab_size"] == cfg["vocab_size"]
    assert info["parameters"] == n_params
    assert info["weights_format"] == "safetensors"
    assert info["weights_files"] == ["model.safetensors"]
    assert info["weights_sha256"] == sha256_of(tiny_checkpoint / "model.safetensors")
    byte_level = tiny_checkpoint.name.startswith(("tiny_roberta", "tiny_gpt2"))
    assert info["tokenizer_kind"] == ("BPE (byte-level)" if byte_level else "WordPiece")


def test_info_text(capsys, tiny_bert):
    rc, out, err = cli(capsys, "info", "--model", tiny_bert)
    assert rc == 0 and err == ""
    rows = dict(re.fullmatch(r"(\S+(?: \S+)*) {2,}(.*)", line).groups() for line in out.splitlines())
    assert rows["architecture"] == "BertModel"
    assert rows["layers"] == "2"
    assert rows["hidden size"] == "32"
    assert rows["attention heads"] == "2"
    assert rows["max positions"] == "128"
    assert rows["tokenizer"] == "WordPiece"
    assert rows["weights"] == "safetensors: model.safetensors"
    assert rows["weights SHA-256"] == sha256_of(tiny_bert / "model.safetensors")
    assert rows["path"] == str(tiny_bert.resolve())


# --- extract: the three levels ----------------------------------------------------------------

HEADERS = {
    "token": ["text_id", "position", "token", "token_id", "word_index", "start", "end"],
    "word": ["text_id", "position", "word", "start", "end", "pieces"],
    "sentence": ["text_id", "text"],
}


def read_tsv(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    return rows[0], rows[1:]


@pytest.mark.parametrize("level", ["token", "word", "sentence"])
def test_extract_level_files_and_input_order(capsys, tiny_bert, txt, out, level):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--level", level,
                     "--device", "cpu", "--batch-size", "2", "--quiet")
    assert rc == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "metadata.tsv", "vectors.npy"]
    vectors = np.load(out / "vectors.npy")
    assert vectors.dtype == np.float32 and vectors.ndim == 2 and vectors.shape[1] == 32
    header, rows = read_tsv(out / "metadata.tsv")
    assert header == HEADERS[level]
    assert len(rows) == len(vectors)
    # rows in input order: identical to extracting each text on its own, one after another
    ref = reference(tiny_bert, level, TEXTS)
    np.testing.assert_allclose(vectors, ref.vectors, atol=1e-5)
    for j, name in enumerate(header):
        want = ref.metadata[name]
        got = [r[j] for r in rows]
        assert got == ([str(v) for v in want.tolist()] if isinstance(want, np.ndarray) else [escape_cell(v) for v in want])
    text_ids = [int(r[0]) for r in rows]
    assert text_ids == sorted(text_ids) and set(text_ids) == set(range(len(TEXTS)))
    loaded = EmbeddingSet.load(out)
    assert loaded.level == level and len(loaded) == len(vectors)


def test_token_and_word_columns_point_into_the_text(capsys, tiny_bert, txt, out_parent):
    for level in ("token", "word"):
        rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out_parent / level, "--level", level, "--quiet")
        assert rc == 0, err
    tokens = EmbeddingSet.load(out_parent / "token")
    for i in range(len(tokens)):
        row = tokens.row(i)
        text = TEXTS[row["text_id"]]
        assert text[row["start"]:row["end"]].lower() == row["token"].removeprefix("##")
        assert row["position"] >= 1  # [CLS] at 0 is left out without --include-special
    words = EmbeddingSet.load(out_parent / "word")
    first = [words.row(i) for i in range(len(words)) if words.row(i)["text_id"] == 0]
    assert [w["word"] for w in first] == ["The", "bank", "raised", "interest", "rates", "."]
    assert [w["position"] for w in first] == list(range(6))
    for i in range(len(words)):
        row = words.row(i)
        assert TEXTS[row["text_id"]][row["start"]:row["end"]] == row["word"]
        assert "".join(p.removeprefix("##") for p in row["pieces"].split(" ")) == row["word"].lower()


def test_manifest_says_how_the_vectors_were_made(capsys, tiny_bert, txt, out):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--level", "word",
                     "--device", "cpu", "--normalize", "--pooling", "max", "--word-pooling", "first", "--quiet")
    assert rc == 0, err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    vectors = np.load(out / "vectors.npy")
    assert m["model"]["path"] == str(tiny_bert.resolve())
    assert m["model"]["weights_sha256"] == sha256_of(tiny_bert / "model.safetensors")
    assert m["level"] == "word"
    assert m["layers"] == [-1] and m["layers_resolved"] == [2]
    assert m["layer_combine"] == "mean"
    assert (m["pooling"], m["word_pooling"]) == ("max", "first")
    assert m["normalize"] is True
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert (m["dtype"], m["device"]) == ("float32", "cpu")
    assert (m["max_length"], m["stride"], m["truncate"]) == (128, 32, False)
    assert (m["rows"], m["dim"]) == vectors.shape
    assert {"semvec-studio", "python", "torch", "transformers", "numpy"} <= set(m["versions"])
    created = dt.datetime.fromisoformat(m["created"])
    assert before <= created <= dt.datetime.now(dt.timezone.utc)
    assert m["inputs"]["files"] == [str(txt)]
    assert m["formats"] == ["npy"]


def test_truncate_and_max_length_in_manifest(capsys, tiny_bert, txt, out):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--max-length", "8", "--truncate", "--quiet")
    assert rc == 0, err
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (m["max_length"], m["stride"], m["truncate"]) == (8, None, True)
    assert m["truncated_texts"] >= 1


def test_every_format_writes_every_file(capsys, tiny_bert, txt, out):
    """Every registered format (Parquet when its optional extra is installed; `make test` installs
    it, `make test-min` runs on the core dependencies alone)."""
    txt.write_text(TEXTS[0] + "\n\n" + "\n".join(TEXTS[1:]) + "\n", encoding="utf-8")  # one blank line
    names = ["csv", "projector", "word2vec"] + (["parquet"] if importlib.util.find_spec("pyarrow") else [])
    rc, stdout, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--level", "word",
                          "--format", ",".join(names))  # not --quiet: progress bars on
    assert rc == 0, err
    assert stdout == "" and "Traceback" not in err
    notes = [line for line in err.replace("\r", "\n").splitlines() if line.startswith("semvec:")]
    rows = len(np.load(out / "vectors.npy"))
    assert notes == ["semvec: skipped 1 blank line(s) or row(s)", f"semvec: wrote {rows:,} word vectors of 32 dims to {out}"]
    files = {f for name in ("npy", *names) for f in EXPORTERS[name].files}
    assert {p.name for p in out.iterdir()} == files
    with open(out / "vectors.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert len(table) == rows + 1 and table[0][:6] == HEADERS["word"]
    assert len((out / "vectors.tsv").read_text(encoding="utf-8").splitlines()) == rows
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["formats"] == ["npy", *names]


def test_layers_concat_doubles_the_dimension(capsys, tiny_bert, txt, out_parent):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out_parent / "a",
                     "--layers", "-2", "-1", "--layer-combine", "concat", "--quiet", "--device", "cpu")
    assert rc == 0, err
    both = np.load(out_parent / "a" / "vectors.npy")
    assert both.shape == (len(TEXTS), 64)
    m = json.loads((out_parent / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert (m["layers"], m["layers_resolved"], m["layer_combine"], m["dim"]) == ([-2, -1], [1, 2], "concat", 64)
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out_parent / "b", "--layers=-3,-2", "--quiet")
    assert rc == 0, err
    m = json.loads((out_parent / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert (m["layers"], m["layers_resolved"], m["dim"]) == ([-3, -2], [0, 1], 32)


# --- extract: inputs --------------------------------------------------------------------------

def test_csv_with_text_column(capsys, tiny_bert, tmp_path, out):
    path = tmp_path / "in.csv"
    path.write_text('id,body\n1,hello there\n2,"two\nlines"\n', encoding="utf-8")
    rc, _, err = cli(capsys, "extract", path, "--text-column", "body", "--model", tiny_bert, "-o", out, "--quiet")
    assert rc == 0, err
    assert read_tsv(out / "metadata.tsv") == (["text_id", "text"], [["0", "hello there"], ["1", "two\\nlines"]])


def test_jsonl_with_text_field_and_escaped_200_chars(capsys, tiny_bert, tmp_path, out):
    long_text = "tab\there, new\nline, back\\slash " + "word " * 60
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"body": "first"}) + "\n" + json.dumps({"body": long_text}) + "\n", encoding="utf-8")
    rc, _, err = cli(capsys, "extract", path, "--text-field", "body", "--model", tiny_bert, "-o", out, "--quiet")
    assert rc == 0, err
    header, rows = read_tsv(out / "metadata.tsv")
    assert rows[0] == ["0", "first"]
    assert rows[1][0] == "1"
    assert rows[1][1] == escape_cell(long_text.strip()[:200])
    assert unescape_cell(rows[1][1]) == long_text.strip()[:200] and len(long_text.strip()) > 200
    assert EmbeddingSet.load(out).metadata["text"][1] == long_text.strip()[:200]


def test_whole_file_is_one_text(capsys, tiny_bert, txt, out):
    rc, _, err = cli(capsys, "extract", txt, "--whole-file", "--model", tiny_bert, "-o", out, "--quiet")
    assert rc == 0, err
    header, rows = read_tsv(out / "metadata.tsv")
    assert rows == [["0", escape_cell("\n".join(TEXTS))]]
    assert np.load(out / "vectors.npy").shape == (1, 32)


def _env(tmp_path) -> dict:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}  # XDG_CACHE_HOME: see _private_cache


def test_stdin_in_a_real_process(tiny_bert, tmp_path, out):
    proc = subprocess.run(
        [str(BIN / "semvec"), "extract", "-", "--model", str(tiny_bert), "-o", str(out), "--level", "word", "--quiet"],
        input=b"Cats and dogs.\n\nRiver bank\n", capture_output=True, env=_env(tmp_path), timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b"" and proc.stderr == b""
    words = EmbeddingSet.load(out)
    assert words.labels() == ["Cats", "and", "dogs", ".", "River", "bank"]
    assert words.metadata["text_id"].tolist() == [0, 0, 0, 0, 1, 1]
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs"]["files"] == ["<stdin>"] and m["inputs"]["skipped_blank"] == 1


def test_the_command_ends_at_once_with_its_code_its_output_and_its_exit_handlers(tiny_bert, tmp_path):
    """`semvec` (cli.entry) skips Python's teardown, not what must happen at exit: its stdout is
    all there through a pipe, exit handlers run, the exit code is main's, and a thread still
    running is waited for."""
    script = (
        "import atexit, pathlib, sys, threading, time\n"
        "import semvec_studio.cli as cli\n"
        "mark = pathlib.Path(sys.argv[1])\n"
        "atexit.register(lambda: mark.with_suffix('.atexit').write_text('ran'))\n"
        "command = cli.main\n"
        "def main(argv):\n"
        "    code = command(argv)\n"
        "    if sys.argv[2] == 'thread':  # still running when the command ends\n"
        "        threading.Thread(target=lambda: (time.sleep(0.5), mark.with_suffix('.thread').write_text('done'))).start()\n"
        "    return code\n"
        "cli.main = main\n"
        "cli.entry(sys.argv[3:])\n"
    )
    for case, args, code in (("ok", ["info", "--model", str(tiny_bert), "--json"], 0),
                             ("error", ["info", "--model", str(tmp_path / "missing")], 2),
                             ("thread", ["info", "--model", str(tiny_bert), "--json"], 0)):
        mark = tmp_path / case
        proc = subprocess.run([sys.executable, "-c", script, str(mark), case, *args], capture_output=True, text=True,
                              env=_env(tmp_path), timeout=120)
        assert proc.returncode == code, (case, proc.stderr)
        assert mark.with_suffix(".atexit").read_text() == "ran", case
        if case == "ok":
            assert json.loads(proc.stdout)["num_layers"] == 2  # the whole JSON, flushed through the pipe
        if case == "error":
            assert proc.stderr.startswith("semvec: error:") and "missing" in proc.stderr
        if case == "thread":
            assert mark.with_suffix(".thread").read_text() == "done" and json.loads(proc.stdout)["num_layers"] == 2


def test_python_dash_m_error_is_one_line(tmp_path):
    missing = tmp_path / "no-such-model"
    proc = subprocess.run([sys.executable, "-m", "semvec_studio.cli", "info", "--model", str(missing)],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert_one_line_error(proc.returncode, proc.stderr, str(missing), "no such folder")
    assert proc.stdout == ""


# --- errors: exit 2, one line, nothing left behind ---------------------------------------------

BROKEN_MESSAGES = {
    "no_config": "no config.json",
    "no_tokenizer": "no tokenizer files",
    "slow_tokenizer_only": "only a slow (Python) tokenizer",
    "truncated_weights": "truncated or corrupt weights",
    "corrupt_weights": "corrupt safetensors file",
    "remote_code": "trust_remote_code",
    "pickle_only": "--allow-pickle",
}


@pytest.mark.parametrize("kind", sorted(BROKEN_MESSAGES))
def test_broken_checkpoint_is_a_one_line_error(capsys, broken_checkpoint, txt, out, out_parent, kind):
    ckpt = broken_checkpoint(kind)
    rc, stdout, err = cli(capsys, "extract", txt, "--model", ckpt, "-o", out)
    line = assert_one_line_error(rc, err, BROKEN_MESSAGES[kind], str(ckpt))
    assert stdout == ""
    assert_nothing_left(out_parent)
    if kind != "slow_tokenizer_only":  # info reads facts only; it does not load the tokenizer
        rc, stdout, err = cli(capsys, "info", "--model", ckpt)
        assert assert_one_line_error(rc, err, BROKEN_MESSAGES[kind]) == line
        assert stdout == ""
    assert not (ckpt / REMOTE_CODE_MARKER).exists()


def test_remote_code_never_runs(capsys, broken_checkpoint, txt, out, out_parent):
    ckpt = broken_checkpoint("remote_code")
    for args in (["info", "--model", ckpt, "--json"], ["extract", txt, "--model", ckpt, "-o", out, "--allow-pickle"]):
        rc, _, err = cli(capsys, *args)
        assert_one_line_error(rc, err, "never runs")
    assert not (ckpt / REMOTE_CODE_MARKER).exists()
    assert not any(name.startswith(("configuration_custom", "modeling_custom")) or "semvec-custom" in name for name in sys.modules)
    assert_nothing_left(out_parent)


def test_pickle_only_works_with_allow_pickle(capsys, broken_checkpoint, txt, out):
    ckpt = broken_checkpoint("pickle_only")
    rc, stdout, err = cli(capsys, "info", "--model", ckpt, "--allow-pickle", "--json")
    assert rc == 0, err
    info = json.loads(stdout)
    assert (info["weights_format"], info["parameters"]) == ("pickle", None)
    assert info["weights_sha256"] == sha256_of(ckpt / "pytorch_model.bin")
    rc, _, err = cli(capsys, "extract", txt, "--model", ckpt, "-o", out, "--allow-pickle", "--quiet")
    assert rc == 0, err
    assert np.load(out / "vectors.npy").shape == (len(TEXTS), 32)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["model"]["weights_format"] == "pickle"


def test_model_path_missing(capsys, tmp_path, txt, out, out_parent):
    missing = tmp_path / "nowhere"
    rc, _, err = cli(capsys, "extract", txt, "--model", missing, "-o", out)
    assert_one_line_error(rc, err, str(missing), "no such folder")
    assert_nothing_left(out_parent)


def test_model_path_not_a_folder(capsys, tiny_bert, txt, out, out_parent):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert / "config.json", "-o", out)
    assert_one_line_error(rc, err, "not a folder")
    assert_nothing_left(out_parent)


def test_missing_input_file(capsys, tiny_bert, tmp_path, out, out_parent):
    missing = tmp_path / "missing.txt"
    rc, _, err = cli(capsys, "extract", missing, "--model", tiny_bert, "-o", out)
    assert_one_line_error(rc, err, str(missing), "no such file")
    assert_nothing_left(out_parent)


def test_csv_without_text_column_lists_the_columns(capsys, tiny_bert, tmp_path, out, out_parent):
    path = tmp_path / "in.csv"
    path.write_text("id,body,label\n1,hello,x\n", encoding="utf-8")
    rc, _, err = cli(capsys, "extract", path, "--model", tiny_bert, "-o", out)
    assert_one_line_error(rc, err, "'id', 'body', 'label'", "--text-column")
    rc, _, err = cli(capsys, "extract", path, "--text-column", "nope", "--model", tiny_bert, "-o", out)
    assert_one_line_error(rc, err, "no column 'nope'", "'id', 'body', 'label'")
    assert_nothing_left(out_parent)


@pytest.mark.parametrize("layers,needle", [
    (["--layers", "x"], "--layers x"),
    (["--layers", "1,two"], "--layers two"),
    (["--layers", "5"], "--layers 5: this model has layers 0 (embeddings) to 2"),
    (["--layers=-4,-3"], "--layers -4"),  # past the bottom of a 2-layer model
])
def test_bad_layers(capsys, tiny_bert, txt, out, out_parent, layers, needle):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, *layers)
    assert_one_line_error(rc, err, needle)
    assert_nothing_left(out_parent)


def test_unknown_format(capsys, tiny_bert, txt, out, out_parent):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--format", "csv,xlsx")
    assert_one_line_error(rc, err, "'xlsx'", "csv, npy, parquet, projector, word2vec")
    assert_nothing_left(out_parent)


@pytest.mark.parametrize("option,needle", [(["--device", "tpu"], "--device tpu"), (["--dtype", "float64"], "--dtype float64")])
def test_bad_device_or_dtype(capsys, tiny_bert, txt, out, out_parent, option, needle):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, *option)
    assert_one_line_error(rc, err, needle)
    assert_nothing_left(out_parent)


def test_output_parent_missing(capsys, tiny_bert, txt, out_parent):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out_parent / "no" / "out")
    assert_one_line_error(rc, err, "does not exist")
    assert_nothing_left(out_parent)


def test_existing_output_needs_force(capsys, tiny_bert, txt, out, out_parent):
    out.mkdir()
    (out / "keep.txt").write_text("old", encoding="utf-8")
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out)
    assert_one_line_error(rc, err, str(out), "--force")
    assert [p.name for p in out_parent.iterdir()] == ["vectors"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--force", "--quiet")
    assert rc == 0, err
    assert [p.name for p in out_parent.iterdir()] == ["vectors"]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "metadata.tsv", "vectors.npy"]


def test_argparse_usage_errors_exit_2(capsys, tiny_bert, txt, out, out_parent):
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(txt), "--model", str(tiny_bert), "-o", str(out), "--level", "paragraph"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'paragraph'" in err and "Traceback" not in err
    assert_nothing_left(out_parent)


# --- exit 130 and exit 1 ----------------------------------------------------------------------

def _fail_after_the_first_batch(monkeypatch, exc: BaseException) -> list:
    """``exc`` raised where the CLI draws the progress of the first embedded batch (a public seam:
    the CLI's progress context), i.e. in the middle of the run."""
    calls = []

    def on_progress(self, p):
        if p.phase == "embedding" and p.done > 0:
            calls.append(p.done)
            raise exc

    monkeypatch.setattr(TqdmContext, "on_progress", on_progress)
    return calls


def test_ctrl_c_exits_130_and_leaves_nothing(capsys, monkeypatch, tiny_bert, txt, out, out_parent):
    calls = _fail_after_the_first_batch(monkeypatch, KeyboardInterrupt())
    rc, stdout, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--batch-size", "1", "--quiet")
    assert rc == 130
    assert calls == [1]  # interrupted mid-run, after one text of five was done
    assert err.strip().splitlines() == ["semvec: cancelled; nothing was written."]
    assert stdout == ""
    assert_nothing_left(out_parent)


def test_unexpected_error_exits_1_and_points_to_debug(capsys, monkeypatch, tiny_bert, txt, out, out_parent):
    _fail_after_the_first_batch(monkeypatch, RuntimeError("boom in the forward pass"))
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--batch-size", "1", "--quiet")
    assert rc == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "RuntimeError: boom in the forward pass" in lines[0] and "--debug" in lines[0]
    assert_nothing_left(out_parent)

    _fail_after_the_first_batch(monkeypatch, RuntimeError("boom in the forward pass"))
    rc, _, err = cli(capsys, "--debug", "extract", txt, "--model", tiny_bert, "-o", out, "--batch-size", "1", "--quiet")
    assert rc == 1
    assert "Traceback (most recent call last)" in err and "in on_progress" in err
    assert_nothing_left(out_parent)


# --- an unknown input extension, an output that cannot be written, the umask ------------------

def test_unknown_input_extension_advises_input_format(capsys, tiny_bert, tmp_path, out, out_parent):
    path = tmp_path / "x.dat"
    path.write_text("hello world\n", encoding="utf-8")
    rc, _, err = cli(capsys, "extract", path, "--model", tiny_bert, "-o", out)
    line = assert_one_line_error(rc, err, str(path), "'.dat'", "--input-format", "txt, csv, tsv, jsonl")
    assert " --format" not in line  # the output formats' flag is not the input's
    rc, _, err = cli(capsys, "extract", path, "--input-format", "txt", "--model", tiny_bert, "-o", out, "--quiet")
    assert rc == 0, err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_output_in_proc_is_a_one_line_error(capsys, tiny_bert, txt):
    rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", "/proc/out")
    assert_one_line_error(rc, err, "/proc", "choose")
    assert "unexpected error" not in err and not Path("/proc/out").exists()


def test_output_in_a_read_only_folder_is_a_one_line_error(capsys, tiny_bert, txt, out_parent):
    out_parent.chmod(0o500)
    try:
        if os.access(out_parent, os.W_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a read-only folder is writable anyway")
        rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out_parent / "vectors")
        assert_one_line_error(rc, err, str(out_parent), "not writable", "choose another output path")
        assert_nothing_left(out_parent)
    finally:
        out_parent.chmod(0o700)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mask,folder_mode,file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)], ids=["umask022", "umask027"])
def test_output_folder_follows_the_umask(capsys, tiny_bert, txt, out, mask, folder_mode, file_mode):
    old = os.umask(mask)
    try:
        rc, _, err = cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--format", "csv", "--quiet")
    finally:
        os.umask(old)
    assert rc == 0, err
    assert out.stat().st_mode & 0o777 == folder_mode
    assert {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()} == {
        name: file_mode for name in ("vectors.npy", "metadata.tsv", "manifest.json", "vectors.csv")}


def test_options_are_checked_before_any_work(capsys, tiny_bert, txt, out, out_parent, tmp_path):
    """A window overlap as long as the window is refused at once, on short texts as on long ones,
    before the inputs are read (here they do not even exist) or the model is loaded."""
    missing = tmp_path / "not-read.txt"
    line = assert_one_line_error(*cli(capsys, "extract", missing, "--model", tiny_bert, "-o", out, "--max-length", "64",
                                      "--stride", "64")[::2], "--stride 64", "--max-length 64")
    assert "not-read.txt" not in line
    # 63 < 64, but the tokenizer adds [CLS] and [SEP]: 62 tokens of text per window; refused on short texts too
    line = assert_one_line_error(*cli(capsys, "extract", txt, "--model", tiny_bert, "-o", out, "--max-length", "64",
                                      "--stride", "63")[::2], "--stride 63", "62 tokens of text")
    assert_nothing_left(out_parent)
