"""Atomic writes and same-file checks (specdiff_core.files): a write that fails leaves the
final name as it was and no temporary file behind (issue 14: on a full disk, outputs were
left truncated under their final names)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from specdiff_core import files
from specdiff_core.files import atomic_open, atomic_write, same_file


def _disk_full_after(monkeypatch, n_bytes: int) -> None:
    """Make every write of a file opened by atomic_open fail with ENOSPC after n bytes."""
    real = os.fsync

    def fsync(fd):
        if os.fstat(fd).st_size > n_bytes and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "result.csv"
    out.write_text("old\n")
    _disk_full_after(monkeypatch, 10)
    with pytest.raises(OSError, match="No space left on device: .*result.csv not written") as exc:
        atomic_write(out, "a,b\n" * 1000)
    assert exc.value.errno == errno.ENOSPC
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv"]


def test_a_failed_first_write_leaves_nothing(tmp_path, monkeypatch):
    _disk_full_after(monkeypatch, 10)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "new.json", b"x" * 100)
    assert list(tmp_path.iterdir()) == []


def test_an_exception_while_writing_removes_the_temporary(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(tmp_path / "half.txt") as fh:
            fh.write("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_new_files_get_the_usual_permissions(tmp_path):
    mode = stat.S_IMODE(atomic_write(tmp_path / "p.txt", "x").stat().st_mode)
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert mode == stat.S_IMODE(plain.stat().st_mode)


def test_same_file_sees_links_and_spellings(tmp_path):
    a = tmp_path / "a.edges"
    a.write_text("0 1\n")
    (tmp_path / "sym.edges").symlink_to(a)
    os.link(a, tmp_path / "hard.edges")
    assert same_file(a, tmp_path / "sym.edges")
    assert same_file(a, tmp_path / "hard.edges")
    assert same_file(a, tmp_path / "x" / ".." / "a.edges")
    assert not same_file(a, tmp_path / "b.edges")
    assert not same_file(tmp_path / "none1", tmp_path / "none2")
