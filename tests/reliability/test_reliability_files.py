"""Item 1 and 2 of the reliability issue: the input is never destroyed, and every file telecode
writes appears whole or not at all (engine/tooling/atomic.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _cli import CMD, ENV, ROOT, claims, no_traceback, run

from engine.tooling.atomic import atomic_output, atomic_write_text, same_file


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# ---- 1. the input is never destroyed -----------------------------------------------------------
def test_stdin_redirected_from_the_output_file_is_refused(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    with x.open("rb") as fh:
        res = run("batch", "-", "--input-format", "csv", "-o", str(x), stdin=fh)
    assert res.status == 2
    assert "would overwrite the input (standard input)" in res.err
    assert x.read_text() == claims(3)


def test_summary_over_the_input_is_refused(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    res = run("batch", str(x), "-o", str(tmp_path / "out.csv"), "--summary", str(x))
    assert res.status == 2
    assert "the summary would overwrite the input" in res.err
    assert x.read_text() == claims(3)
    assert not (tmp_path / "out.csv").exists()


def test_summary_over_stdin_is_refused(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    with x.open("rb") as fh:
        res = run("batch", "-", "--input-format", "csv", "--summary", str(x), stdin=fh)
    assert res.status == 2
    assert x.read_text() == claims(3)


def test_summary_and_output_the_same_file_is_refused(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    out = tmp_path / "out.csv"
    res = run("batch", str(x), "-o", str(out), "--summary", str(tmp_path / "." / "out.csv"))
    assert res.status == 2
    assert "are the same file" in res.err
    assert not out.exists()


def test_output_through_a_symlink_to_the_input_is_refused(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    (tmp_path / "link.csv").symlink_to(x)
    res = run("batch", str(x), "-o", str(tmp_path / "link.csv"))
    assert res.status == 2
    assert x.read_text() == claims(3)


def test_same_file_compares_descriptors_and_paths(tmp_path):
    a = tmp_path / "a"
    a.write_text("a")
    with a.open() as fh:
        assert same_file(fh.fileno(), str(a))
    assert not same_file(str(a), str(tmp_path / "missing"))
    r, w = os.pipe()
    try:
        assert not same_file(r, w)  # pipes are no files to protect
    finally:
        os.close(r)
        os.close(w)


# ---- 2. outputs are atomic ----------------------------------------------------------------------
def test_dev_full_is_exit_2_with_a_message(bundle, tmp_path):
    x = tmp_path / "x.csv"
    x.write_text(claims(3))
    res = run("batch", str(x), "-o", "/dev/full")
    no_traceback(res)
    assert res.status == 2
    assert "No space left on device" in res.err


def test_a_full_disk_keeps_the_previous_output(bundle, tmp_path, tiny_fs):
    x = tmp_path / "x.csv"
    x.write_text(claims(3000))  # about 400 KB of output: more than the 64 KiB file system
    out = tiny_fs / "out.csv"
    out.write_text("last month's checked file\n")
    res = run("batch", str(x), "-o", str(out))
    no_traceback(res)
    assert res.status == 2
    assert "No space left on device" in res.err
    assert out.read_text() == "last month's checked file\n"
    assert leftovers(tiny_fs) == []


def test_a_full_disk_never_leaves_a_partial_new_file(bundle, tmp_path, tiny_fs):
    x = tmp_path / "x.csv"
    x.write_text(claims(3000))
    res = run("batch", str(x), "-o", str(tiny_fs / "new.csv"), "--summary",
              str(tiny_fs / "s.json"))
    assert res.status == 2
    assert sorted(p.name for p in tiny_fs.iterdir()) == []


def test_sigint_mid_run_exits_130_and_keeps_the_old_file(bundle, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("last month's checked file\n")
    proc = subprocess.Popen([*CMD, "batch", "-", "--input-format", "csv", "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    assert proc.stdin is not None
    proc.stdin.write(claims(5000).encode())
    proc.stdin.flush()  # the run now waits for more rows on a pipe that stays open
    deadline = time.monotonic() + 120
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(tmp_path), "the run never started writing"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert out.read_text() == "last month's checked file\n"
    assert leftovers(tmp_path) == []


def test_compile_into_a_read_only_folder_is_exit_2(read_only_fs):
    res = run("compile", "-o", str(read_only_fs / "codebook.json"))
    no_traceback(res)
    assert res.status == 2
    assert "Read-only file system" in res.err


def test_compile_to_dev_full_is_exit_2():
    res = run("compile", "-o", "/dev/full")
    no_traceback(res)
    assert res.status == 2
    assert "No space left on device" in res.err


def test_compile_keeps_the_old_bundle_on_a_full_disk(tiny_fs):
    out = tiny_fs / "codebook.json"  # the bundle is about 400 KB: it cannot fit
    out.write_text("{}")
    res = run("compile", "-o", str(out))
    assert res.status == 2
    assert out.read_text() == "{}"
    assert leftovers(tiny_fs) == []


def test_new_year_keeps_last_runs_worksheet_on_a_full_disk(mounted):
    with mounted("4m") as fs:
        folder = fs / "review"
        res = run("new-year", "2027", "-o", str(folder))
        assert res.status == 0, res.err
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        smallest = min(len(b) for b in before.values())
        free = os.statvfs(fs).f_bavail * os.statvfs(fs).f_frsize
        with (fs / "filler").open("wb") as fh:  # leave less room than one file needs
            fh.write(b"x" * (free - smallest // 2))
        res = run("new-year", "2027", "-o", str(folder))
        after = {p.name: p.read_bytes() for p in folder.iterdir()}
    no_traceback(res)
    assert res.status == 2, res.out
    assert "No space left on device" in res.err
    assert after == before
    assert [n for n in after if n.endswith(".part")] == []


@pytest.mark.parametrize("problem", [KeyboardInterrupt, OSError, RuntimeError])
def test_atomic_output_keeps_the_old_file_whatever_stops_it(tmp_path, problem):
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(problem), atomic_output(target) as fh:
        fh.write("half of the new")
        raise problem()
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_atomic_output_keeps_the_mode_and_a_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert oct(real.stat().st_mode & 0o777) == oct(0o640)


def test_atomic_output_writes_through_devices():
    atomic_write_text("/dev/null", "x")  # a device is no file to replace
    with pytest.raises(OSError):
        atomic_write_text("/dev/full", "x")
