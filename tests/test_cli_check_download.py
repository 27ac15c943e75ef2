"""`textrnn-lessons download --to DIR` against a local data host, and the `check` pre-flight.

The canonical test.csv (../shared/ag_news/test.csv) is served under its real name and checked
against its published MD5. The canonical train.csv is not available offline, so the mini
training file stands in for it and $TEXTRNN_LESSONS_DATA_MD5 names that file's true MD5;
without that override the published MD5 is enforced and the stand-in is refused.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time

import pytest
from filelock import lock_descriptor

from textrnn_lessons.cli import main
from textrnn_lessons.data.download import (
    MD5_ENV,
    MIRROR_ENV,
    OWNER,
    REGISTRY,
    DataError,
    md5sum,
    remove_stale_downloads,
)
from textrnn_lessons.data.reading import load_ag_news
from textrnn_lessons.settings import get_preset
from textrnn_lessons.teaching import lesson_times
from textrnn_lessons.teaching import preflight as checks

from .conftest import CANONICAL_TEST, MINI
from .local_server import closed_port_url, serve

TRAIN_MD5 = md5sum(MINI / "train.csv")


@pytest.fixture
def host(tmp_path):
    """A folder laid out like the data host: canonical test.csv, stand-in train.csv."""
    folder = tmp_path / "host"
    folder.mkdir()
    shutil.copy(CANONICAL_TEST, folder / "test.csv")
    shutil.copy(MINI / "train.csv", folder / "train.csv")
    return folder


@pytest.fixture
def stand_in_train(monkeypatch):
    monkeypatch.setenv(MD5_ENV, f"train.csv={TRAIN_MD5}")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def leftovers(folder):
    """Anything in `folder` besides complete files (pooch's temporary downloads, say)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in REGISTRY)


# ---------------------------------------------------------------- download --to


def test_download_to_fills_a_folder_a_room_can_use(
    host, tmp_path, monkeypatch, capsys, stand_in_train, umask_022
):
    usb = tmp_path / "usb stick" / "ag_news"
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(usb)]) == 0
    out = capsys.readouterr().out
    assert md5sum(usb / "test.csv") == REGISTRY["test.csv"][1]
    assert (usb / "train.csv").read_bytes() == (MINI / "train.csv").read_bytes()
    assert f"{usb / 'test.csv'}: the canonical AG News file (published MD5 verified)" in out
    assert f"{usb / 'train.csv'}: verified against the MD5 in ${MD5_ENV}: not the canonical" in out
    assert f"export TEXTRNN_LESSONS_DATA={usb.resolve()}" in out
    assert leftovers(usb) == []
    for name in REGISTRY:  # others on a shared drive can read them (pooch leaves 0600)
        assert stat.S_IMODE((usb / name).stat().st_mode) == 0o644

    # TEXTRNN_LESSONS_DATA=DIR is all a learner needs afterwards.
    monkeypatch.setenv("TEXTRNN_LESSONS_DATA", str(usb))
    data = load_ag_news("smoke")
    assert data.source == str(usb) and len(data.train) + len(data.validation) == 800
    ok, message = checks.check_data()
    assert ok and "test.csv canonical (MD5 verified)" in message


def test_a_verified_folder_needs_no_network_the_second_time(
    host, tmp_path, monkeypatch, capsys, stand_in_train
):
    folder = tmp_path / "data"
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 0
    monkeypatch.setenv(MIRROR_ENV, closed_port_url())
    assert main(["download", "--to", str(folder)]) == 0, capsys.readouterr().err


def test_download_without_to_fills_the_user_cache(
    host, tmp_path, monkeypatch, capsys, stand_in_train
):
    monkeypatch.setenv("TEXTRNN_LESSONS_CACHE", str(tmp_path / "cache"))
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download"]) == 0
    assert md5sum(tmp_path / "cache" / "test.csv") == REGISTRY["test.csv"][1]
    assert "export TEXTRNN_LESSONS_DATA" not in capsys.readouterr().out


def test_wrong_hash_is_refused_and_nothing_is_kept(host, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "data"
    with serve(host) as url:  # no MD5 override: the stand-in train.csv must fail the published MD5
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"{url}train.csv is corrupted or incomplete" in err
    assert REGISTRY["train.csv"][1] in err and "train.csv was not kept" in err
    assert not (folder / "train.csv").exists() and leftovers(folder) == []


def test_a_changed_test_file_fails_its_published_md5(
    host, tmp_path, monkeypatch, capsys, stand_in_train
):
    (host / "test.csv").write_bytes(
        (host / "test.csv").read_bytes().replace(b"Sports", b"sports", 1)
    )
    folder = tmp_path / "data"
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 2
    assert "test.csv is corrupted or incomplete" in capsys.readouterr().err
    assert not (folder / "test.csv").exists() and leftovers(folder) == []


def test_truncated_transfer_is_refused_and_nothing_is_kept(
    host, tmp_path, monkeypatch, capsys, stand_in_train
):
    folder = tmp_path / "data"
    with serve(host, truncate={"test.csv"}) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"Could not download {url}test.csv (from ${MIRROR_ENV})" in err
    assert "connection broke off part way" in err
    assert not (folder / "test.csv").exists() and leftovers(folder) == []


def test_truncated_file_served_whole_fails_the_hash(
    host, tmp_path, monkeypatch, capsys, stand_in_train
):
    data = (host / "test.csv").read_bytes()
    (host / "test.csv").write_bytes(data[: len(data) // 3])
    folder = tmp_path / "data"
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 2
    assert "test.csv is corrupted or incomplete" in capsys.readouterr().err
    assert not (folder / "test.csv").exists()


def test_server_down_says_where_it_looked_and_what_to_do(tmp_path, monkeypatch, capsys):
    url = closed_port_url()
    monkeypatch.setenv(MIRROR_ENV, url)
    folder = tmp_path / "data"
    assert main(["download", "--to", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"Could not download {url}train.csv" in err and "ConnectionError" in err
    assert f"Looked for train.csv in {folder}" in err and "TEXTRNN_LESSONS_DATA" in err
    assert leftovers(folder) == [] and not any(folder.iterdir())


def test_a_download_killed_part_way_is_cleared_by_the_next(
    host, tmp_path, monkeypatch, stand_in_train
):
    folder = tmp_path / "data"
    with serve(host, slow={"train.csv"}) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        download = subprocess.Popen(
            [sys.executable, "-m", "textrnn_lessons.cli", "download", "--to", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not any(p.is_file() and p.stat().st_size > 0 for p in folder.rglob("*")):
            assert time.monotonic() < deadline and download.poll() is None, "no partial file"
            time.sleep(0.05)
        download.kill()  # SIGKILL: no clean-up code runs
        download.wait()
    assert leftovers(folder), "a killed download left nothing to clean up"
    assert not (folder / "train.csv").exists()
    with pytest.raises(DataError, match="has no train.csv or test.csv"):  # never read as data
        load_ag_news("smoke", folder)
    with serve(host) as url:
        monkeypatch.setenv(MIRROR_ENV, url)
        assert main(["download", "--to", str(folder)]) == 0
    assert leftovers(folder) == []
    assert (folder / "train.csv").read_bytes() == (MINI / "train.csv").read_bytes()


def test_only_stale_downloads_of_our_files_are_removed(tmp_path):
    running = tmp_path / ".train.csv.k3x9.download"
    running.mkdir()
    (running / "tmpq8z1").write_bytes(b"half a download")
    owner = os.open(running / OWNER, os.O_RDWR | os.O_CREAT)
    lock_descriptor(owner)  # as the downloading process holds it
    others = [tmp_path / ".notes.txt.download", tmp_path / "tmpabcd1234"]
    others[0].mkdir()
    others[1].write_text("someone else's")
    try:
        assert remove_stale_downloads(tmp_path) == [] and running.exists()
    finally:
        os.close(owner)  # the process ends: its lock goes with it
    assert remove_stale_downloads(tmp_path) == [running] and not running.exists()
    assert all(path.exists() for path in others)


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        (MIRROR_ENV, "/media/usb/ag_news", "is not a web address"),
        (MD5_ENV, "train.csv=1234", "must look like 'train.csv=<32 hex digits>'"),
        (MD5_ENV, f"valid.csv={TRAIN_MD5}", "could not read 'valid.csv="),
    ],
)
def test_bad_download_settings_are_explained(
    tmp_path, monkeypatch, capsys, variable, value, expected
):
    monkeypatch.setenv(variable, value)
    assert main(["download", "--to", str(tmp_path / "data")]) == 2
    assert expected in capsys.readouterr().err


# ---------------------------------------------------------------- check


def lines_of(capsys):
    return capsys.readouterr().out.splitlines()


def test_check_passes_on_the_offline_split_and_estimates_lesson_times(capsys):
    assert main(["check", "--data", str(MINI), "--preset", "workshop"]) == 0
    out = lines_of(capsys)
    for name in ("libraries", "widgets", "data", "memory", "training"):
        assert any(line.startswith(f"[ok] {name}: ") for line in out), out
    assert any("ipywidgets 8." in line and "jupyterlab-manager" in line for line in out), out
    assert any(line.startswith("[info] lesson times: ") for line in out), out
    training = next(line for line in out if line.startswith("[ok] training"))
    assert "720 articles" in training and "workshop preset" in training
    assert out[-1] == "All checks passed: ready for the lessons."


def test_check_fails_without_data_and_skips_training(tmp_path, capsys):
    assert main(["check", "--data", str(tmp_path)]) == 1
    out = lines_of(capsys)
    assert (
        f"[FAIL] data: no train.csv or test.csv in {tmp_path}: run `textrnn-lessons download`"
        in "\n".join(out)
    )
    assert "[skip] training: fix the failures above first" in out
    assert out[-1] == "Some checks failed (see above)."


def test_check_fails_when_a_stale_widget_extension_shadows_the_installed_one(
    tmp_path, monkeypatch, capsys
):
    stale = tmp_path / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    stale.mkdir(parents=True)
    (stale / "package.json").write_text(
        '{"name": "@jupyter-widgets/jupyterlab-manager", "version": "3.1.0"}'
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert main(["check", "--data", str(MINI)]) == 1
    widgets = next(line for line in lines_of(capsys) if "widgets:" in line)
    assert widgets.startswith("[FAIL] widgets: JupyterLab will load the widget extension 3.1.0")
    assert f"delete {stale}" in widgets


def test_check_fails_when_the_widget_extension_is_missing(monkeypatch):
    monkeypatch.setattr(checks, "_labextension_dirs", list)
    ok, message = checks.check_widgets()
    assert not ok and "widgets will show as text" in message


def test_check_names_a_library_outside_its_range(monkeypatch):
    from packaging.requirements import Requirement

    declared = checks._declared_requirements()
    monkeypatch.setattr(
        checks, "_declared_requirements", lambda: [*declared, Requirement("numpy<1.0")]
    )
    ok, message = checks.check_versions()
    assert not ok and "numpy" in message and "is outside <1.0" in message
    assert "pip install -e ." in message


def test_check_refuses_a_preset_this_machine_has_no_memory_for(monkeypatch):
    monkeypatch.setitem(checks.LESSON_REFERENCE["peak_rss_mb"], "full", 10**9)
    ok, message = checks.check_memory(get_preset("full"))
    assert not ok and "use a smaller preset" in message


def test_lesson_time_estimate_scales_by_machine_speed_and_amount_of_training():
    reference = {
        "presets": {
            "workshop": {
                "tiny_run_s": 10.0,
                "article_epochs_per_run": 16_200,
                "lessons": {
                    "01_prepare_data": {"other_s": 30.0, "train_s": 0.0},
                    "02_x": {"other_s": 20.0, "train_s": 40.0},
                },
            }
        }
    }
    workshop = get_preset("workshop")  # 12,000 articles, 10% held out, 3 epochs: 32,400
    estimate = lesson_times.estimate_lesson_times(workshop, tiny_seconds=5.0, reference=reference)
    assert estimate == pytest.approx({"01_prepare_data": 15.0, "02_x": (20 + 80) * 0.5})
    full = lesson_times.estimate_lesson_times(get_preset("full"), 10.0, reference)
    assert full["02_x"] == pytest.approx(20 + 40 * (108_000 * 5) / 16_200)


def test_recorded_lessons_match_the_lesson_list():
    """The reference timings name every lesson, so `check` estimates each one."""
    from textrnn_lessons.teaching.catalogue import LESSONS

    for preset, recorded in lesson_times.LESSON_REFERENCE["presets"].items():
        assert list(recorded["lessons"]) == [lesson.stem for lesson in LESSONS], (
            f"re-record the {preset} timings (benchmarks/notebook_resources.py --record)"
        )


def test_every_notebook_fits_the_memory_budget_where_measured():
    """Binder restarts a kernel over 2 GB; the lessons promise 1.5 GB in the workshop preset."""
    assert lesson_times.LESSON_REFERENCE["peak_rss_mb"]["workshop"] < 1536
