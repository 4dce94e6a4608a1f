"""Atomic output folders and files: they follow the umask, and a place that cannot be written is a
one-line OutputError naming it, with nothing left behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.atomic import atomic_dir, atomic_file
from semvec_studio.core.errors import OutputError
from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.vectors import EmbeddingSet


@pytest.fixture
def umask():
    """Set the process umask for one test: ``umask(0o027)``; the old one is restored after."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def small_set() -> EmbeddingSet:
    return EmbeddingSet(np.ones((3, 2), np.float32), {"text_id": np.arange(3), "text": ["a", "b", "c"]}, {}, "sentence")


def read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):
        folder.chmod(0o700)
        pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a read-only folder is writable anyway")
    return folder


# --- permissions follow the umask ----------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mask,folder_mode,file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640), (0o077, 0o700, 0o600)],
                         ids=["umask022", "umask027", "umask077"])
def test_output_folder_and_files_follow_the_umask(tmp_path, umask, mask, folder_mode, file_mode):
    umask(mask)
    out = save(small_set(), tmp_path / "out", ["csv"])
    assert mode(out) == folder_mode
    assert {p.name: mode(p) for p in out.iterdir()} == {
        name: file_mode for name in ("vectors.npy", "metadata.tsv", "manifest.json", "vectors.csv")}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mask,file_mode", [(0o022, 0o644), (0o027, 0o640)], ids=["umask022", "umask027"])
def test_atomic_file_follows_the_umask(tmp_path, umask, mask, file_mode):
    umask(mask)
    with atomic_file(tmp_path / "new.txt") as fh:
        fh.write("x")
    (tmp_path / "old.txt").write_text("old")
    (tmp_path / "old.txt").chmod(0o600)
    with atomic_file(tmp_path / "old.txt") as fh:  # a replaced file gets the mode of a new one
        fh.write("y")
    assert mode(tmp_path / "new.txt") == file_mode and mode(tmp_path / "old.txt") == file_mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "old.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_replaced_folder_follows_the_umask(tmp_path, umask):
    umask(0o027)
    (tmp_path / "out").mkdir(mode=0o700)
    (tmp_path / "out" / "old").write_text("old")
    with atomic_dir(tmp_path / "out", overwrite=True) as tmp:
        (tmp / "new").write_text("new")
    assert mode(tmp_path / "out") == 0o750 and [p.name for p in (tmp_path / "out").iterdir()] == ["new"]


# --- a place that cannot be written ----------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("make", [atomic_dir, atomic_file], ids=["folder", "file"])
def test_proc_is_a_one_line_output_error(make):
    with pytest.raises(OutputError) as info:
        with make("/proc/out"):
            pytest.fail("the block must not run")
    message = str(info.value)
    assert "/proc" in message and "\n" not in message and "choose" in message
    assert not Path("/proc/out").exists()


@pytest.mark.parametrize("make", [atomic_dir, atomic_file], ids=["folder", "file"])
def test_read_only_folder_is_a_one_line_output_error(tmp_path, make):
    folder = read_only_folder(tmp_path)
    with pytest.raises(OutputError, match=f"{folder}.*not writable; choose another output path"):
        with make(folder / "out"):
            pytest.fail("the block must not run")
    assert list(folder.iterdir()) == []


def test_a_file_where_the_parent_folder_should_be(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(OutputError, match=r"plain/out: cannot be written \(Not a directory\); choose an output path"):
        with atomic_dir(tmp_path / "plain" / "out"):
            pass
    assert [p.name for p in tmp_path.iterdir()] == ["plain"]


@pytest.mark.parametrize("make", [atomic_dir, atomic_file], ids=["folder", "file"])
def test_disk_full_while_writing_leaves_nothing(tmp_path, make):
    with pytest.raises(OutputError, match=r"out: cannot be written \(No space left on device\); free some space"):
        with make(tmp_path / "out"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert list(tmp_path.iterdir()) == []


def test_rename_that_fails_leaves_nothing(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(src), None, os.fspath(dst))

    with pytest.raises(OutputError, match=r"out: cannot be written \(Permission denied\)"):
        with atomic_dir(tmp_path / "out") as tmp:
            (tmp / "f").write_text("x")
            monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_other_errors_pass_through_and_leave_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):  # an input that is missing is not the output's fault
        with atomic_dir(tmp_path / "out"):
            open(tmp_path / "missing-input.txt")
    with pytest.raises(KeyboardInterrupt):
        with atomic_file(tmp_path / "out.txt"):
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_gui_wording_names_no_flag(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep").write_text("x")
    with pytest.raises(OutputError) as info:
        with atomic_dir(tmp_path / "out"):
            pass
    assert "--force" in str(info.value)
    assert "--" not in info.value.for_gui() and "allow replacing it" in info.value.for_gui()
