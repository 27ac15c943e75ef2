"""Hostile inputs: the ways a careless network, a confused learner and a busy room have broken
the package, one row each, with the sentence it must answer with.

Found a new one? Add a row. A CLI row runs `python -m textrnn_lessons.cli` in a subprocess and
requires its exit status, the sentence in its output, and no traceback. A row marked `plain`
runs without root's power to ignore file permissions (these tests often run as root in
containers, where a read-only folder would otherwise be writable). A Python row calls the API
and requires the exception type and the sentence, or, for a view, the sentence on screen.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from .conftest import CANONICAL_TEST, MINI
from .local_server import serve


def as_plain_user(argv: list[str]) -> list[str]:
    """`argv`, run without the capabilities that let root ignore file permissions."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux's setpriv: cannot test file permissions")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *argv]


# ---------------------------------------------------------------- making hostile things


@dataclass
class Room:
    """A test's private corner: a temporary folder and a local data host."""

    tmp: Path
    host: str
    request: object = field(repr=False)

    def path(self, name: str) -> Path:
        return self.tmp / name

    def data(self, train: bytes | None = None, test: bytes | None = None) -> Path:
        """A data folder: the given bytes, or the mini split's files."""
        folder = self.tmp / "data"
        folder.mkdir(exist_ok=True)
        (folder / "train.csv").write_bytes(
            train if train is not None else (MINI / "train.csv").read_bytes()
        )
        (folder / "test.csv").write_bytes(
            test if test is not None else (MINI / "test.csv").read_bytes()
        )
        return folder

    def read_only(self, name: str) -> Path:
        folder = self.tmp / name
        folder.mkdir()
        folder.chmod(0o555)
        return folder

    def log(self, content: bytes) -> Path:
        """A results log holding `content`, made the one the package uses."""
        path = self.tmp / "results.jsonl"
        path.write_bytes(content)
        self.request.getfixturevalue("monkeypatch").setenv("TEXTRNN_LESSONS_RESULTS", str(path))
        return path

    @property
    def predictor(self):
        return self.request.getfixturevalue("trained_smoke").predictor


def mini_rows(keep: Callable[[int, int], bool] = lambda label, i: True) -> bytes:
    """Rows of the mini training file, filtered by (label 1-4, position): a well-formed CSV."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    with open(MINI / "train.csv", encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            if keep(int(row[0]), i):
                writer.writerow(row)
    return out.getvalue().encode("utf-8")


GOOD_ROWS = '"1","Talks resume","Diplomats met in Geneva."\n"2","Cup final","The home side won."\n'
RECORD = {
    "time": "2026-01-01T00:00:00+00:00",
    "approach": 1,
    "label": "Approach 1",
    "preset": "smoke",
    "test_accuracy": 0.5,
}
GOOD_RECORD = (json.dumps(RECORD) + "\n").encode()


def record_without(*names) -> bytes:
    return (json.dumps({k: v for k, v in RECORD.items() if k not in names}) + "\n").encode()


def tagged(kind: str, rows: list) -> list:
    """Rows marked with the class of issue 16's findings they belong to."""
    return [replace(row, kind=kind) for row in rows]


def train_smoke(room: Room, data=None) -> list[str]:
    return ["train", "--approach", "1", "--preset", "smoke", "--data", str(data or MINI)]


def download_to(folder, mirror: str, **env) -> tuple[list[str], dict]:
    return ["download", "--to", str(folder)], {"TEXTRNN_LESSONS_DATA_URL": mirror, **env}


# ---------------------------------------------------------------- the command line


@dataclass(frozen=True)
class Cli:
    """One hostile command: how to make it (argv, extra environment), what it must say."""

    case: str
    make: Callable[[Room], tuple[list[str], dict]]
    says: str
    status: int = 2
    plain: bool = False  # without root's power over permissions
    kind: str = ""  # the class of issue 16's findings it belongs to


CLI_CASES = [
    *tagged(
        "Lost results",
        [
            Cli(
                "results log is a folder",
                lambda r: (
                    train_smoke(r),
                    {"TEXTRNN_LESSONS_RESULTS": str(_folder(r.path("log.jsonl")))},
                ),
                "Could not add the run to the results log",
            ),
            Cli(
                "results log is read-only",
                lambda r: (
                    train_smoke(r),
                    {"TEXTRNN_LESSONS_RESULTS": str(_read_only_file(r.path("results.jsonl")))},
                ),
                "Could not add the run to the results log",
                plain=True,
            ),
            Cli(
                "results log inside a file",
                lambda r: (
                    train_smoke(r),
                    {"TEXTRNN_LESSONS_RESULTS": str(_file(r.path("a-file")) / "results.jsonl")},
                ),
                "Could not add the run to the results log",
            ),
            Cli(
                "log fails after a successful run",
                lambda r: (train_smoke(r), {"TEXTRNN_LESSONS_RESULTS": "/dev/full"}),
                "training succeeded (test accuracy",
                status=1,
            ),
        ],
    ),
    *tagged(
        "Data files",
        [
            Cli(
                "latin-1 train.csv",
                lambda r: (train_smoke(r, r.data('"1","Café","Gâteau"\n'.encode("latin-1"))), {}),
                "is not an AG News CSV file in UTF-8: line 1 holds the byte 0xe9",
            ),
            Cli(
                "UTF-16 train.csv",
                lambda r: (train_smoke(r, r.data(GOOD_ROWS.encode("utf-16"))), {}),
                "is not an AG News CSV file in UTF-8: it starts with a UTF-16 byte-order mark",
            ),
            Cli(
                "UTF-16 train.csv without a BOM",
                lambda r: (train_smoke(r, r.data(GOOD_ROWS.encode("utf-16-le"))), {}),
                "holds NUL bytes, so it is UTF-16 or binary",
            ),
            Cli(
                "binary train.csv",
                lambda r: (train_smoke(r, r.data(bytes(range(256)) * 64)), {}),
                "is not an AG News CSV file in UTF-8",
            ),
            Cli(
                "binary train.csv in check",
                lambda r: (
                    ["check", "--preset", "smoke", "--data", str(r.data(bytes(range(256)) * 64))],
                    {},
                ),
                "is not an AG News CSV file in UTF-8: it holds NUL bytes",
                status=1,
            ),
            Cli(
                "a 200 KB field",
                lambda r: (train_smoke(r, r.data(b'"1","t","' + b"x" * 200_000 + b'"\n')), {}),
                "a field is longer than 131,072 characters",
            ),
            Cli(
                "cut inside a quoted row",
                lambda r: (train_smoke(r, r.data(_cut_file())), {}),
                "ends in the middle of a quoted field",
            ),
            Cli(
                "only three topics",
                lambda r: (train_smoke(r, r.data(_limit_topic(4, 0))), {}),
                "has no articles of Sci/Tech",
            ),
            Cli(
                "a topic of one article",
                lambda r: (train_smoke(r, r.data(_limit_topic(2, 1))), {}),
                "has only one article of Sports",
            ),
            Cli(
                "a topic too small for the preset's subset",
                lambda r: (train_smoke(r, r.data(_limit_topic(2, 2))), {}),
                "800-article training subset of",
            ),
            Cli(
                "too few articles for a validation slice",
                lambda r: (train_smoke(r, r.data(_few_of_each(3))), {}),
                "cannot cut subsets with every topic on each side",
            ),
            Cli(
                "three topics in check",
                lambda r: (
                    ["check", "--preset", "smoke", "--data", str(r.data(_limit_topic(4, 0)))],
                    {},
                ),
                "has no articles of Sci/Tech",
                status=1,
            ),
            Cli(
                "unreadable train.csv",
                lambda r: (train_smoke(r, _unreadable(r.data())), {}),
                "(Permission denied). Make it readable",
                plain=True,
            ),
            Cli(
                "data setting names a file",
                lambda r: (
                    ["train", "--approach", "1", "--preset", "smoke"],
                    {"TEXTRNN_LESSONS_DATA": str(MINI / "train.csv")},
                ),
                "is a file, not a folder",
            ),
        ],
    ),
    *tagged(
        "Downloads",
        [
            Cli(
                "404 from the mirror",
                lambda r: download_to(r.path("d"), r.host + "nowhere/"),
                "The server answered HTTP 404",
            ),
            Cli(
                "503 from the mirror",
                lambda r: download_to(r.path("d"), r.host + "busy/"),
                "The server answered HTTP 503",
            ),
            Cli(
                "ftp:// mirror",
                lambda r: download_to(r.path("d"), "ftp://127.0.0.1/ag_news/"),
                "is an ftp:// address: the download speaks only http:// and https://",
            ),
            Cli(
                "--to a read-only folder",
                lambda r: download_to(r.read_only("ro"), r.host),
                "Could not write into",
                plain=True,
            ),
            Cli(
                "--to a folder inside a read-only one",
                lambda r: download_to(r.read_only("ro") / "new", r.host),
                "Could not create the folder",
                plain=True,
            ),
            Cli(
                "--to an existing file",
                lambda r: download_to(_file(r.path("f.csv")), r.host),
                "is a file, not a folder",
            ),
            Cli(
                "--to ''", lambda r: download_to("", r.host), "The folder to download into is empty"
            ),
            Cli(
                "unwritable XDG cache",
                lambda r: (
                    ["download"],
                    {"TEXTRNN_LESSONS_CACHE": None, "XDG_CACHE_HOME": str(r.read_only("xdg"))},
                ),
                "Could not create the folder",
                plain=True,
            ),
            Cli(
                "unwritable HOME",
                lambda r: (
                    ["download"],
                    {
                        "TEXTRNN_LESSONS_CACHE": None,
                        "XDG_CACHE_HOME": None,
                        "HOME": str(r.read_only("home")),
                    },
                ),
                "Set TEXTRNN_LESSONS_CACHE to a folder you can write",
                plain=True,
            ),
        ],
    ),
    *tagged(
        "CLI",
        [
            Cli(
                "reproduce --out an existing file",
                lambda r: (
                    [
                        "reproduce",
                        "--preset",
                        "smoke",
                        "--data",
                        str(MINI),
                        "--out",
                        str(_file(r.path("report"))),
                    ],
                    {},
                ),
                "is a file, not a folder: give --out a folder",
            ),
            Cli(
                "reproduce --out a read-only folder",
                lambda r: (
                    [
                        "reproduce",
                        "--preset",
                        "smoke",
                        "--data",
                        str(MINI),
                        "--out",
                        str(r.read_only("out")),
                    ],
                    {},
                ),
                "Cannot write the report into",
                plain=True,
            ),
            Cli("reproduce --out ''", lambda r: (["reproduce", "--out", ""], {}), "--out is empty"),
            Cli(
                "unknown preset in the environment",
                lambda r: (["train", "--approach", "1"], {"TEXTRNN_LESSONS_PRESET": "huge"}),
                "Unknown preset 'huge'",
            ),
        ],
    ),
]


def _file(path: Path) -> Path:
    path.write_text("not a folder\n")
    return path


def _read_only_file(path: Path) -> Path:
    path.write_bytes(GOOD_RECORD)
    path.chmod(0o444)
    return path


def _unreadable(folder: Path) -> Path:
    (folder / "train.csv").chmod(0o000)
    return folder


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _limit_topic(label: int, at_most: int) -> bytes:
    """The mini training file with at most `at_most` articles of one topic (label 1-4).

    Two of a topic pass the file's own check, but the smoke preset's 800-article subset of
    4,500 articles keeps none of them."""
    seen = []
    return mini_rows(
        lambda row_label, i: row_label != label or (seen.append(i) or len(seen) <= at_most)
    )


def _few_of_each(count: int) -> bytes:
    """The first `count` articles of each topic: 4 x count rows."""
    seen = dict.fromkeys(range(1, 5), 0)

    def keep(label, i):
        seen[label] += 1
        return seen[label] <= count

    return mini_rows(keep)


def _cut_file() -> bytes:
    """The mini training file cut off in the middle of a description, as a broken copy leaves it."""
    content = mini_rows()
    return content[: content.index(b"\n", 700_000) + 1] + b'"3","Oil prices","Crude rose as tra'


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A data host: the canonical test.csv, the mini train.csv, and a 'busy' folder (503s)."""
    folder = tmp_path_factory.mktemp("host")
    shutil.copy(CANONICAL_TEST, folder / "test.csv")
    shutil.copy(MINI / "train.csv", folder / "train.csv")
    with serve(folder, statuses={"busy": 503}) as url:
        yield url


def _environment(extra: dict, tmp: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTRNN_LESSONS_") or k == "TEXTRNN_LESSONS_RESULTS"
    }
    env.update(TEXTRNN_LESSONS_CACHE=str(tmp / "cache"), TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg")
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.mark.parametrize("row", CLI_CASES, ids=[row.case for row in CLI_CASES])
def test_the_command_line_answers_with_a_sentence(
    row: Cli, tmp_path, host, request, private_results_log
):
    room = Room(tmp_path, host, request)
    if row.case.startswith("log fails") and not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    try:
        argv, extra = row.make(room)
        command = [sys.executable, "-m", "textrnn_lessons.cli", *argv]
        done = subprocess.run(
            as_plain_user(command) if row.plain else command,
            cwd=tmp_path,
            env=_environment(extra, tmp_path),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        for path in tmp_path.rglob("*"):  # let pytest clean up what was made read-only
            if not path.is_symlink():
                path.chmod(0o755)
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said
    assert done.returncode == row.status, said
    assert row.says in said, said
    if row.status != 1 or "error: " in done.stderr:  # `check` fails with its report instead
        assert done.stderr.count("error: ") == 1, done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith("error: "), done.stderr
    assert "Reproducing" not in done.stdout  # nothing trained before a bad --out was refused


def test_debug_shows_the_traceback(tmp_path):
    command = [sys.executable, "-m", "textrnn_lessons.cli", "--debug", "download", "--to", ""]
    done = subprocess.run(
        command, env=_environment({}, tmp_path), capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0 and "Traceback" in done.stderr and "DataError" in done.stderr


# ---------------------------------------------------------------- the Python API


@dataclass(frozen=True)
class Api:
    """One hostile call: it must raise `error` saying `says` (or, with error None, show it)."""

    case: str
    call: Callable[[Room], object]
    error: type | str | None
    says: str
    kind: str = ""


def _comparison_view_message(room: Room, log: bytes) -> str:
    """What a comparison view built on this log shows (its constructor reads the log)."""
    from textrnn_lessons.ui import ComparisonView

    room.log(log)
    return html.unescape(ComparisonView().message.value)


def _results(call):
    from textrnn_lessons.results import log as results

    return lambda room: call(results, room)


def _explain(room: Room, **kwargs):
    from textrnn_lessons.evaluation.explain import explain_prediction

    return explain_prediction(room.predictor, "Stocks rally as oil prices fall", **kwargs)


API_CASES = [
    *tagged(
        "Lost results",
        [
            Api(
                "append to a folder",
                _results(lambda m, r: m.append_run(RECORD, _folder(r.path("x")))),
                ValueError,
                "Could not add the run to the results log",
            ),
        ],
    ),
    *tagged(
        "Reading the log",
        [
            Api(
                "undecodable bytes",
                _results(lambda m, r: m.read_runs(r.log(GOOD_RECORD + b'{"label": "\xff"}\n'))),
                ValueError,
                "line 2 is not UTF-8 text",
            ),
            Api(
                "JSON that is not an object",
                _results(lambda m, r: m.read_runs(r.log(b"[1, 2]\n"))),
                ValueError,
                "line 1 is JSON but not a record",
            ),
            Api(
                "no test_accuracy",
                _results(lambda m, r: m.read_runs(r.log(record_without("test_accuracy")))),
                ValueError,
                "line 1 has no 'test_accuracy'",
            ),
            Api(
                "no label",
                _results(lambda m, r: m.read_runs(r.log(record_without("label")))),
                ValueError,
                "line 1 has no 'label'",
            ),
            Api(
                "no approach, preset or time",
                _results(
                    lambda m, r: m.read_runs(r.log(record_without("approach", "preset", "time")))
                ),
                ValueError,
                "has no 'time' or 'approach' or 'preset'",
            ),
            Api(
                "accuracy is text",
                _results(lambda m, r: m.read_runs(r.log(GOOD_RECORD.replace(b"0.5", b'"high"')))),
                ValueError,
                "has test_accuracy 'high'",
            ),
            Api(
                "half a line",
                _results(lambda m, r: m.read_runs(r.log(GOOD_RECORD + b'{"appro'))),
                ValueError,
                "line 2 is not a JSON record",
            ),
            Api(
                "log is a folder",
                _results(lambda m, r: m.read_runs(_folder(r.path("log")))),
                ValueError,
                "Could not read the results log",
            ),
            Api(
                "comparison view built on a damaged log",
                lambda r: _comparison_view_message(r, b"[1]\n" + record_without("label")),
                None,
                "line 1 is JSON but not a record: a list",
            ),
            Api(
                "comparison view, missing accuracy",
                lambda r: _comparison_view_message(r, record_without("test_accuracy")),
                None,
                "has no 'test_accuracy'",
            ),
        ],
    ),
    *tagged(
        "Data files",
        [
            Api(
                "read a UTF-16 file",
                lambda r: _read_csv(r, GOOD_ROWS.encode("utf-16")),
                "DataError",
                "not an AG News CSV file in UTF-8",
            ),
            Api(
                "read a file cut inside quotes",
                lambda r: _read_csv(r, GOOD_ROWS.encode() + b'"3","Oil","Pri'),
                "DataError",
                "ends in the middle of a quoted field",
            ),
            Api(
                "load from a file, not a folder",
                lambda r: _load(MINI / "train.csv"),
                "DataError",
                "is a file, not a folder",
            ),
        ],
    ),
    *tagged(
        "Predictor",
        [
            Api(
                "predict_topic('')",
                lambda r: r.predictor.predict_topic(""),
                ValueError,
                "The text is empty, so there is nothing to classify",
            ),
            Api(
                "predict_topic of spaces",
                lambda r: r.predictor.predict_topic(" \n\t"),
                ValueError,
                "The text is empty",
            ),
            Api(
                "predict_topic of punctuation",
                lambda r: r.predictor.predict_topic("?! -- ..."),
                ValueError,
                "has no words",
            ),
            Api(
                "predict_topic(None)",
                lambda r: r.predictor.predict_topic(None),
                TypeError,
                "predict_topic takes one text (a str); got NoneType",
            ),
            Api(
                "predict_topic(42)",
                lambda r: r.predictor.predict_topic(42),
                TypeError,
                "got int 42",
            ),
            Api("predictor(None)", lambda r: r.predictor(None), TypeError, "got NoneType None"),
            Api("predictor(42)", lambda r: r.predictor(42), TypeError, "got int 42"),
            Api("predictor(bytes)", lambda r: r.predictor(b"Stocks rally"), TypeError, "not bytes"),
            Api(
                "predictor(mixed list)",
                lambda r: r.predictor(["Stocks rally", 3, None]),
                TypeError,
                "item 1 is int 3",
            ),
            Api(
                "predictor(dict)",
                lambda r: r.predictor({"Stocks rally": 1}),
                TypeError,
                "it would read only the keys",
            ),
            Api(
                "predictor(set)",
                lambda r: r.predictor({"Stocks rally", "Cup final"}),
                TypeError,
                "a set has no order",
            ),
            Api("predictor('')", lambda r: r.predictor(""), ValueError, "The text is empty"),
            Api(
                "explain with 10**7 samples",
                lambda r: _explain(r, num_samples=10**7),
                ValueError,
                "at least 10 and at most 50,000",
            ),
        ],
    ),
]


def _read_csv(room: Room, content: bytes):
    from textrnn_lessons.data.reading import read_ag_news_csv

    path = room.path("train.csv")
    path.write_bytes(content)
    return read_ag_news_csv(path)


def _load(folder):
    from textrnn_lessons.data.reading import load_ag_news

    return load_ag_news("smoke", folder)


@pytest.mark.parametrize("row", API_CASES, ids=[row.case for row in API_CASES])
def test_the_python_api_answers_with_a_sentence(row: Api, tmp_path, request, private_results_log):
    room = Room(tmp_path, "", request)
    try:
        if row.error is None:
            said = row.call(room)
        else:
            with pytest.raises(Exception) as caught:
                row.call(room)
            expected = row.error if isinstance(row.error, type) else _data_error()
            assert isinstance(caught.value, expected), repr(caught.value)
            said = str(caught.value)
    finally:
        for path in tmp_path.rglob("*"):
            path.chmod(0o755)
    assert row.says in said, said


def _data_error():
    from textrnn_lessons.data.download import DataError

    return DataError


def test_the_table_covers_every_class_of_issue_16():
    """Each class of the issue's findings has rows here, and no two rows share a name."""
    rows = CLI_CASES + API_CASES
    assert len({row.case for row in rows}) == len(rows)
    assert {row.kind for row in rows} == {
        "Lost results",
        "Reading the log",
        "Data files",
        "Downloads",
        "Predictor",
        "CLI",
    }


# ---------------------------------------------------------------- lesson pairs (issue 25)
# An author edits a lesson's .md and its .ipynb; tools/lessons.py (pre-commit's check, the
# authors' sync) must never keep one side silently. Each row changes a committed pair.

LESSON = "02_single_rnn_25_tokens"


def _edit_text(folder: Path, old: str = "smallest one", new: str = "smalest one") -> None:
    path = folder / f"{LESSON}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _edit_notebook(folder: Path, change) -> None:
    import nbformat

    path = folder / f"{LESSON}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    change(notebook)
    nbformat.write(notebook, path)


def _retitle(notebook) -> None:
    for cell in notebook.cells:
        cell.source = cell.source.replace("smallest one", "littlest one")


def _both_edited(folder: Path) -> None:
    _edit_text(folder)
    _edit_notebook(folder, _retitle)


def _another_kernel(notebook) -> None:
    notebook.metadata["kernelspec"] = {
        "name": "python2",
        "display_name": "Python 2",
        "language": "python",
    }


def _paired_for_jupyterlab(notebook) -> None:
    notebook.metadata["jupytext"] = {"formats": "ipynb,md:myst"}


def _with_outputs(notebook) -> None:
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    import nbformat

    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]


@dataclass(frozen=True)
class PairCase:
    case: str
    change: Callable[[Path], None]
    command: str  # "check" or "sync"
    says: str
    kind: str = "Lesson pairs"


PAIR_CASES = [
    PairCase(
        "both sides edited differently: check names both",
        _both_edited,
        "check",
        f"notebooks/{LESSON}.md and notebooks/{LESSON}.ipynb both changed since the last commit",
    ),
    PairCase(
        "both sides edited differently: sync keeps neither silently",
        _both_edited,
        "sync",
        "say which one to keep with --from text or --from notebook",
    ),
    PairCase(
        "only the notebook's kernel changed",
        lambda folder: _edit_notebook(folder, _another_kernel),
        "check",
        "the kernels differ ('python3' and 'python2')",
    ),
    PairCase(
        "the notebook pairs itself for JupyterLab",
        lambda folder: _edit_notebook(folder, _paired_for_jupyterlab),
        "check",
        "carries jupytext settings in its metadata",
    ),
    PairCase(
        "the notebook stores outputs",
        lambda folder: _edit_notebook(folder, _with_outputs),
        "check",
        "stores outputs (cell",
    ),
    PairCase(
        "the notebook was deleted",
        lambda folder: (folder / f"{LESSON}.ipynb").unlink(),
        "check",
        f"notebooks/{LESSON}.ipynb is missing: `python tools/lessons.py sync` writes it again",
    ),
    PairCase(
        "the text file was deleted",
        lambda folder: (folder / f"{LESSON}.md").unlink(),
        "check",
        f"notebooks/{LESSON}.md is missing: `python tools/lessons.py sync` writes it again",
    ),
]


# ---------------------------------------------------------------- training arguments (speed)
# Trainer.run (the panel, the CLI, lesson 07) and the speed runtime's switch: each bad value is
# refused with a sentence before anything trains.


@dataclass(frozen=True)
class Training:
    """One hostile call of Trainer.run (keywords) or Trainer() (environment)."""

    case: str
    options: dict
    says: str
    env: dict = field(default_factory=dict)


TRAINING_CASES = [
    Training("epochs=0", {"epochs": 0}, "epochs must be a whole number of 1 or more, got 0"),
    Training("epochs=-1", {"epochs": -1}, "epochs must be a whole number of 1 or more, got -1"),
    Training("epochs=2.5", {"epochs": 2.5}, "got 2.5 (leave it out for the smoke preset's 1)"),
    Training("epochs=True", {"epochs": True}, "epochs must be a whole number"),
    Training("batch_size=-5", {"batch_size": -5}, "batch_size must be a whole number of 1 or"),
    Training("batch_size='512'", {"batch_size": "512"}, "got '512'"),
    Training("learning_rate=-1.0", {"learning_rate": -1.0}, "must be a number above 0, got -1.0"),
    Training("learning_rate=0", {"learning_rate": 0}, "learning_rate must be a number above 0"),
    Training("learning_rate=nan", {"learning_rate": float("nan")}, "above 0, got nan"),
    Training("optimizer='sgd'", {"optimizer": "sgd"}, "Unknown optimizer 'sgd'. Choose one of"),
    Training(
        "two bad values at once",
        {"epochs": 0, "learning_rate": -1.0},
        "Nothing was trained: epochs must be",
    ),
    *(
        Training(
            f"TEXTRNN_LESSONS_SPEEDUPS={value}",
            {},
            f"TEXTRNN_LESSONS_SPEEDUPS is '{value}', which it does not know. Set it to on or off",
            {"TEXTRNN_LESSONS_SPEEDUPS": value},
        )
        for value in ("bogus", "disabled", "none")
    ),
]


@pytest.mark.parametrize("row", PAIR_CASES, ids=[row.case for row in PAIR_CASES])
def test_a_lesson_pair_never_loses_an_edit_silently(row: PairCase, tmp_path):
    from .test_lesson_pairs import lesson_copy, run_tool

    folder = lesson_copy(tmp_path, LESSON)
    row.change(folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    done = run_tool(folder, row.command)
    assert done.returncode == 1, done.stdout + done.stderr
    assert row.says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    after = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    assert after == before, "a refused check or sync must leave both files as they were"


@pytest.mark.parametrize("row", TRAINING_CASES, ids=[row.case for row in TRAINING_CASES])
def test_training_arguments_are_refused_before_anything_trains(row, smoke_data, monkeypatch):
    from textrnn_lessons import speed
    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.training.trainer import Trainer

    fits = []
    monkeypatch.setattr(speed, "fit", lambda *args, **kwargs: fits.append(args))
    for name, value in row.env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as refused:
        Trainer(MINI).run(get_approach(1), smoke_data, **row.options)
    assert row.says in str(refused.value), str(refused.value)
    assert fits == []


# ---------------------------------------------------------------- exercise checks (issue 25)
# What a learner can type into an exercise cell or leave behind in a variable the check reads.
# A check never raises on it: it answers "Not yet" with a sentence (or "Right" when the value
# is in fact right); yours_or_reference, which must build a network, refuses with a sentence.


@dataclass(frozen=True)
class Typed:
    """One value typed into an exercise: the check must say `says` (and be right or not)."""

    case: str
    call: Callable[[], object]
    says: str
    right: bool = False


def _checks():
    from textrnn_lessons.teaching import exercises

    return exercises


def _workshop():
    from textrnn_lessons.settings import get_preset

    return get_preset("workshop")


def _written(*extra, functional=False):
    """Approach 1 as a learner writes it: Sequential, or keras.Model(inputs, outputs)."""
    import keras
    from keras import layers

    stack = [layers.Embedding(120, 30), layers.SimpleRNN(50), *extra]
    stack.append(layers.Dense(4, activation="softmax"))
    inputs = keras.Input(shape=(25,), dtype="int32")
    if not functional:
        return keras.Sequential([inputs, *stack])
    x = inputs
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def _check_model(model, vocab_size=120):
    from textrnn_lessons.models.design_check import check_model

    return check_model(model, 1, vocab_size)


def _toy_indexes(answer):
    from textrnn_lessons.teaching.explainers import toy_vectorizer

    sentence = "The team wins the cup, and stocks rally!"
    return _checks().check_toy_indexes(answer, toy_vectorizer(), sentence)


HUGE = 10**400
TOO_MANY_DIGITS = "more than 300 digits, far too many to be the answer"
VOCAB = "vocab_size should be the number of rows the Embedding needs"
WINDOW = "my_max_tokens should be the number of tokens each article keeps"
LENGTHS = "lengths should hold the token count of every training article"
CONFUSION = [[5, 1, 0, 0], [1, 5, 0, 0], [0, 0, 5, 1], [0, 0, 1, 5]]

TYPED_CASES = [
    Typed(
        "10**400 articles",
        lambda: _checks().check_training_articles(HUGE, _workshop()),
        TOO_MANY_DIGITS,
    ),
    Typed(
        "10**400 steps", lambda: _checks().check_steps_per_epoch(HUGE, _workshop()), TOO_MANY_DIGITS
    ),
    Typed(
        "10**400 parameters", lambda: _checks().check_parameter_count(HUGE, 1_000), TOO_MANY_DIGITS
    ),
    Typed("10**400 in one layer", lambda: _checks().check_layer_count(HUGE, 4, 2), TOO_MANY_DIGITS),
    Typed("10**400 new weights", lambda: _checks().check_no_new_weights(HUGE), TOO_MANY_DIGITS),
    Typed(
        "10**400 percent accurate",
        lambda: _checks().check_accuracy_from_confusion(HUGE, CONFUSION),
        TOO_MANY_DIGITS,
    ),
    Typed(
        "10**400 percent kept whole",
        lambda: _checks().check_kept_whole(HUGE, [3, 30], 25),
        TOO_MANY_DIGITS,
    ),
    Typed(
        "NaN as an answer",
        lambda: _checks().check_parameter_count(float("nan"), 1_000),
        "the answer should be an ordinary number; got nan",
    ),
    Typed(
        "vocab_size as text",
        lambda: _checks().check_parameter_count(34_254, "1000"),
        f"{VOCAB}, a whole number from 1 to 10,000,000; got the text '1000'",
    ),
    Typed(
        "vocab_size None",
        lambda: _checks().check_parameter_count(34_254, None),
        f"{VOCAB}, a whole number from 1 to 10,000,000; got None. Use vocabulary_size(vectorizer)",
    ),
    Typed(
        "vocab_size NaN",
        lambda: _checks().check_parameter_count(34_254, float("nan")),
        f"{VOCAB}, a whole number from 1 to 10,000,000; got nan",
    ),
    Typed(
        "vocab_size as text in check_model",
        lambda: _check_model(_written(), "120"),
        f"{VOCAB}, a whole number from 1 to 10,000,000; got the text '120'",
    ),
    Typed(
        "vocab_size None in check_model",
        lambda: _check_model(_written(), None),
        f"{VOCAB}, a whole number from 1 to 10,000,000; got None",
    ),
    Typed(
        "my_max_tokens as text",
        lambda: _checks().check_kept_whole(50, [3, 30], "40"),
        f"{WINDOW}, a whole number from 1 to 10,000; got the text '40'",
    ),
    Typed(
        "my_max_tokens None",
        lambda: _checks().check_kept_whole(50, [3, 30], None),
        f"{WINDOW}, a whole number from 1 to 10,000; got None",
    ),
    Typed(
        "my_max_tokens NaN",
        lambda: _checks().check_kept_whole(50, [3, 30], float("nan")),
        f"{WINDOW}, a whole number from 1 to 10,000; got nan",
    ),
    Typed(
        "lengths as text",
        lambda: _checks().check_kept_whole(50, "abc", 40),
        f"{LENGTHS}, a list of whole numbers; got 'abc'",
    ),
    Typed(
        "lengths None",
        lambda: _checks().check_kept_whole(50, None, 40),
        f"{LENGTHS}, a list of whole numbers; got None. Run the cell that counts them again",
    ),
    Typed(
        "lengths holding NaN",
        lambda: _checks().check_kept_whole(50, [3, float("nan")], 40),
        "lengths should hold whole numbers of tokens, 0 or more; it holds nan",
    ),
    Typed(
        "toy indexes with fractions",
        lambda: _toy_indexes([2.9, 9.9, 10.9, 2.9, 1.9, 1.0, 4.0, 5.0]),
        "an index is a whole number (a row of the vocabulary); 2.9 is not",
    ),
    Typed(
        "toy indexes as booleans",
        lambda: _toy_indexes([True] * 8),
        "an index is a whole number (a row of the vocabulary); True is not",
    ),
    Typed(
        "approach 1 with the functional API",
        lambda: _check_model(_written(functional=True)),
        "Right: layer for layer, this is Approach 1",
        right=True,
    ),
    Typed(
        "approach 1 with an extra Dropout",
        lambda: _check_model(_written(__import__("keras").layers.Dropout(0.2))),
        "Take out the layers the tutorial's network does not have (Dropout)",
    ),
    Typed(
        "approach 1, functional, with an extra Dropout",
        lambda: _check_model(_written(__import__("keras").layers.Dropout(0.2), functional=True)),
        "Take out the layers the tutorial's network does not have (Dropout)",
    ),
]


@pytest.mark.parametrize("row", TYPED_CASES, ids=[row.case for row in TYPED_CASES])
def test_an_exercise_check_answers_what_a_learner_types_with_a_sentence(row: Typed, capsys):
    verdict = row.call()
    printed = capsys.readouterr().out
    assert row.says in verdict.text and row.says in printed, verdict.text
    assert bool(verdict) is row.right, verdict.text
    assert "Count the recurrent layers" not in verdict.text


@pytest.mark.parametrize(
    "vocab_size, says",
    [
        ("120", "got the text '120'"),
        (None, "got None"),
        (float("nan"), "got nan"),
        (HUGE, "got a number too large to use"),
    ],
    ids=["text", "None", "NaN", "10**400"],
)
def test_yours_or_reference_refuses_a_bad_vocab_size_with_a_sentence(vocab_size, says):
    """It must build the reference network from vocab_size, so it cannot go on: it says why."""
    from textrnn_lessons.models.design_check import yours_or_reference

    with pytest.raises(ValueError) as caught:
        yours_or_reference(..., approach=1, vocab_size=vocab_size)
    assert VOCAB in str(caught.value) and says in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    "units, says",
    [("100", "got the text '100'"), (0, "got 0"), (10**400, "got a number too large to use")],
    ids=["text", "zero", "10**400"],
)
def test_a_bad_number_of_units_in_02s_exercise_gets_a_sentence(units, says):
    from textrnn_lessons.models.design_check import yours_or_reference

    with pytest.raises(ValueError) as caught:
        yours_or_reference(..., approach=1, vocab_size=120, units=units)
    assert "units should be the size of the recurrent layer's state" in str(caught.value)
    assert says in str(caught.value), str(caught.value)


# ---------------------------------------------------------------- lesson 07's lab (issue 25)
# Experiments before any experiment has run, and seeds that would fake a comparison.


def _lab(**options):
    from textrnn_lessons.results.experiments import Experiments

    return Experiments(data=None, **options)


def _choice_before_any_experiment(room: Room) -> str:
    from textrnn_lessons.teaching.exercises import check_choice

    return check_choice(_lab(), "baseline: approach 2").text


LAB_CASES = [
    Api(
        "Experiments(seeds=(42, 42))",
        lambda r: _lab(seeds=(42, 42)),
        ValueError,
        "The seeds (42, 42) repeat 42: a repeated seed trains the same network again",
    ),
    Api(
        "Experiments(seeds=(42, 7, 42))",
        lambda r: _lab(seeds=(42, 7, 42)),
        ValueError,
        "repeat 42",
    ),
    Api(
        "Experiments(seeds=(42, 7))",
        lambda r: _lab(seeds=(42, 7)),
        ValueError,
        "Compare over at least 3 seeds (you gave 2)",
    ),
    Api("Experiments(seeds=42)", lambda r: _lab(seeds=42), ValueError, "seeds must be a list"),
    Api(
        "Experiments(seeds=('a', 'b', 'c'))",
        lambda r: _lab(seeds=("a", "b", "c")),
        ValueError,
        "Every seed must be a whole number",
    ),
    Api(
        "recommend() before any experiment",
        lambda r: _lab().recommend(),
        ValueError,
        "No experiment has run yet. Run the baseline first",
    ),
    Api(
        "final_test(name) before any experiment",
        lambda r: _lab().final_test("baseline: approach 2"),
        ValueError,
        "No experiment has run yet. Run the baseline first",
    ),
    Api(
        "final_test(...) before any experiment",
        lambda r: _lab().final_test(...),
        ValueError,
        "No experiment has run yet",
    ),
    Api(
        "check_choice before any experiment",
        _choice_before_any_experiment,
        None,
        "Not yet: no experiment has run yet",
    ),
]


@pytest.mark.parametrize("row", LAB_CASES, ids=[row.case for row in LAB_CASES])
def test_lesson_07s_lab_answers_with_a_sentence(row: Api, tmp_path, request):
    room = Room(tmp_path, "", request)
    if row.error is None:
        said = row.call(room)
    else:
        with pytest.raises(row.error) as caught:
            row.call(room)
        said = str(caught.value)
    assert row.says in said, said


# ---------------------------------------------------------------- a room that stays up (issue 25)
# The room engineer's rows: data files, the results log, the predictor and LIME, the
# environment. Each table runs through the same checks as the tables above.


def _cut_after_title() -> bytes:
    """The mini training file whose last article was cut right after its title's comma."""
    return mini_rows() + b'"3","Oil prices",'


def _train_csv_folder(room: Room) -> Path:
    """A data folder whose train.csv is a folder (holding the real file one level down)."""
    folder = room.path("nested")
    (folder / "train.csv").mkdir(parents=True)
    shutil.copy(MINI / "train.csv", folder / "train.csv" / "train.csv")
    shutil.copy(MINI / "test.csv", folder / "test.csv")
    return folder


LONE_SURROGATE = "Oil \ud800 prices"
TIME_IS_A_NUMBER = GOOD_RECORD.replace(b'"2026-01-01T00:00:00+00:00"', b"5")

ROOM_CLI_CASES = [
    *tagged(
        "Data files",
        [
            Cli(
                "train.csv cut after a title, no final newline",
                lambda r: (train_smoke(r, r.data(_cut_after_title())), {}),
                "ends in the middle of its last row",
            ),
            Cli(
                "train.csv is a folder",
                lambda r: (train_smoke(r, _train_csv_folder(r)), {}),
                "train.csv is a folder, not a file",
            ),
        ],
    ),
    *tagged(
        "Environment",
        [
            Cli(
                "unwritable TEXTRNN_LESSONS_CACHE",
                lambda r: (["download"], {"TEXTRNN_LESSONS_CACHE": str(r.read_only("cache"))}),
                "TEXTRNN_LESSONS_CACHE names this folder: set it to a folder you can write",
                plain=True,
            ),
        ],
    ),
]


def _latest_runs(room: Room, log: bytes):
    from textrnn_lessons.results.records import latest_runs

    room.log(log)
    return latest_runs(room.request.getfixturevalue("smoke_data"))


def _side_by_side(room: Room, log: bytes):
    from textrnn_lessons.results.summary import side_by_side

    room.log(log)
    return side_by_side(room.request.getfixturevalue("smoke_data"))


def _huge_log_view(room: Room) -> str:
    """What a comparison view shows for a 100,000-run log, and how many table rows it draws."""
    from textrnn_lessons.ui import ComparisonView

    record = json.loads(GOOD_RECORD)
    lines = (json.dumps({**record, "test_accuracy": (i % 100) / 100}) for i in range(100_000))
    room.log(("\n".join(lines) + "\n").encode())
    view = ComparisonView()
    rows = view.table.value.count("<tr") - 1  # less the header row
    return f"{html.unescape(view.message.value)} ({rows} rows drawn)"


def _explanation(room: Room):
    return _explain(room, num_samples=50)


ROOM_API_CASES = [
    *tagged(
        "Data files",
        [
            Api(
                "read a file cut after a title",
                lambda r: _read_csv(r, GOOD_ROWS.encode() + b'"3","Oil prices",'),
                "DataError",
                "ends in the middle of its last row",
            ),
            Api(
                "load where train.csv is a folder",
                lambda r: _load(_train_csv_folder(r)),
                "DataError",
                "train.csv is a folder, not a file",
            ),
        ],
    ),
    *tagged(
        "Reading the log",
        [
            Api(
                'read_runs of "time": 5',
                _results(lambda m, r: m.read_runs(r.log(TIME_IS_A_NUMBER))),
                ValueError,
                "has time 5, which is not a date and time",
            ),
            Api(
                'latest_runs of "time": 5',
                lambda r: _latest_runs(r, GOOD_RECORD + TIME_IS_A_NUMBER),
                ValueError,
                "line 2 has time 5",
            ),
            Api(
                'side_by_side of "time": 5',
                lambda r: _side_by_side(r, TIME_IS_A_NUMBER),
                ValueError,
                "line 1 has time 5",
            ),
            Api(
                'append_run of "time": 5',
                _results(lambda m, r: m.append_run(json.loads(TIME_IS_A_NUMBER))),
                ValueError,
                "was not added to the results log: it has time 5",
            ),
            Api(
                "comparison view of a 100,000-run log",
                _huge_log_view,
                None,
                "The table shows the latest 100; the other 99,900 are in the results log. "
                "(100 rows drawn)",
            ),
        ],
    ),
    *tagged(
        "Predictor",
        [
            Api(
                "predict_topic of a lone surrogate",
                lambda r: r.predictor.predict_topic(LONE_SURROGATE),
                ValueError,
                "holds '\\ud800' at position 4, half of a character",
            ),
            Api(
                "predictor of a lone surrogate",
                lambda r: r.predictor(["Cup final", LONE_SURROGATE]),
                ValueError,
                "Item 1 holds '\\ud800'",
            ),
            Api(
                "explain a lone surrogate",
                lambda r: _explain_text(r, LONE_SURROGATE),
                ValueError,
                "half of a character",
            ),
            Api(
                "save_html where no file can be",
                lambda r: _explanation(r).save_html("/proc/x.html"),
                OSError,
                "Could not save the explanation as /proc/x.html",
            ),
            Api(
                "top_words(label=9)",
                lambda r: _explanation(r).top_words(label=9),
                ValueError,
                "Unknown class 9; use an index or a name: 0 or 'World'",
            ),
        ],
    ),
]


def _explain_text(room: Room, text: str):
    from textrnn_lessons.evaluation.explain import explain_prediction

    return explain_prediction(room.predictor, text, num_samples=50)


@pytest.mark.parametrize("row", ROOM_CLI_CASES, ids=[row.case for row in ROOM_CLI_CASES])
def test_the_command_line_answers_the_rooms_cases(
    row: Cli, tmp_path, host, request, private_results_log
):
    test_the_command_line_answers_with_a_sentence(row, tmp_path, host, request, private_results_log)


@pytest.mark.parametrize("row", ROOM_API_CASES, ids=[row.case for row in ROOM_API_CASES])
def test_the_python_api_answers_the_rooms_cases(row: Api, tmp_path, request, private_results_log):
    test_the_python_api_answers_with_a_sentence(row, tmp_path, request, private_results_log)


def test_the_rooms_table_covers_its_classes():
    rows = ROOM_CLI_CASES + ROOM_API_CASES
    assert len({row.case for row in rows}) == len(rows)
    assert len({row.case for row in rows} & {row.case for row in CLI_CASES + API_CASES}) == 0
    assert {row.kind for row in rows} == {
        "Data files",
        "Reading the log",
        "Predictor",
        "Environment",
    }
