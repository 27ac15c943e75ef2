"""What a build runs on: the preset, the data, where executions are cached, and the repository.

Every page that shows numbers says which preset and data produced them, so these facts are
worked out once, before any lesson runs, from the same variables a learner sets
($TEXTRNN_LESSONS_PRESET, $TEXTRNN_LESSONS_DATA). Loading the data here also stops a build with
the package's own sentence when the data is missing, before eight kernels start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import textrnn_lessons
from textrnn_lessons.data.download import REGISTRY, md5sum
from textrnn_lessons.data.reading import load_ag_news
from textrnn_lessons.settings import DATA_ENV, PRESET_ENV, PROTOCOL_ENV, RESULTS_ENV, get_preset

#: Where the launch links point: the README's badges use the same repository and branch.
REPOSITORY = "textrnn-lessons/textrnn-lessons"
BRANCH = "main"
BINDER = "https://mybinder.org/v2/gh"
APP = "apps/approach_explorer.ipynb"


@dataclass(frozen=True)
class BuildFacts:
    preset: str
    data_folder: Path
    used: str  # what the preset took: "720 training, 80 validation and 400 test articles"
    canonical: bool  # both files byte-identical to the published AG News files
    train_rows: int
    test_rows: int
    execution_dir: Path  # this preset's and this data's jupyter-cache and results log
    repository: str = REPOSITORY
    branch: str = BRANCH

    @classmethod
    def from_environment(cls, build_dir: Path) -> BuildFacts:
        preset = get_preset().name
        data = load_ag_news(
            preset, protocol="clean"
        )  # $TEXTRNN_LESSONS_DATA, else the downloaded files
        folder = Path(os.environ.get(DATA_ENV) or _downloaded_folder()).resolve()
        digests = {name: md5sum(folder / name) for name in REGISTRY}
        canonical = all(digests[name] == md5 for name, (_, md5) in REGISTRY.items())
        # jupyter-cache knows only the lessons' code cells. The preset, the data (its MD5s) and
        # the package and libraries the cells call name the folder, so a build never shows
        # outputs computed on other data or by other code; a prose edit keeps them.
        key = f"{preset}-{_digest(digests['train.csv'], digests['test.csv'], _code_digest())}"
        return cls(
            preset=preset,
            data_folder=folder,
            used=(
                f"{len(data.train):,} articles trained on, {len(data.validation):,} for "
                f"validation and {len(data.test):,} tested on"
            ),
            canonical=canonical,
            train_rows=_rows(folder / "train.csv"),
            test_rows=_rows(folder / "test.csv"),
            execution_dir=Path(build_dir).resolve() / "execution" / key,
        )

    @property
    def results_log(self) -> Path:
        return self.execution_dir / "results.jsonl"

    def export(self, fresh: bool = False) -> None:
        """Set the variables every executed lesson inherits; keep the cache and log in step.

        The results page reads the runs the lessons logged. A cached lesson is not run again,
        so its logged run must outlive the build: the log lives beside the cache, and a cache
        whose log is gone is dropped, so that every lesson runs (and logs) again.
        """
        cache = self.execution_dir / "jupyter_cache"
        if fresh or (cache.exists() and not self.results_log.exists()):
            shutil.rmtree(self.execution_dir, ignore_errors=True)
        for older in self.execution_dir.parent.glob(f"{self.preset}-*"):
            if older != self.execution_dir:  # this preset on other data or older code
                shutil.rmtree(older, ignore_errors=True)
        self.execution_dir.mkdir(parents=True, exist_ok=True)
        os.environ[PRESET_ENV] = self.preset
        os.environ[DATA_ENV] = str(self.data_folder)
        os.environ[RESULTS_ENV] = str(self.results_log)
        os.environ.pop("MPLBACKEND", None)  # a non-inline backend would keep figures off the page
        os.environ.pop(PROTOCOL_ENV, None)  # the site shows the lessons' own (clean) protocol

    @property
    def data_summary(self) -> str:
        """One sentence for a page: which preset, which files, how many articles it used."""
        files = (
            f"the published AG News files ({self.train_rows:,} training and {self.test_rows:,} "
            "test articles)"
            if self.canonical
            else f"a {self.train_rows:,}-article training file and a {self.test_rows:,}-article "
            "test file cut from AG News (not the published files)"
        )
        return (
            f"The outputs were computed when this site was built, with the {self.preset} preset "
            f"on {files}: {self.used}."
        )

    def binder_lab(self, notebook: str) -> str:
        return f"{BINDER}/{self.repository}/{self.branch}?urlpath=lab/tree/{notebook}"

    @property
    def binder_app(self) -> str:
        return f"{BINDER}/{self.repository}/{self.branch}?urlpath=voila/render/{APP}"

    def source_url(self, path: str) -> str:
        """A repository file on GitHub, for links to files the site does not publish."""
        return f"https://github.com/{self.repository}/blob/{self.branch}/{path}"


def _downloaded_folder() -> Path:
    from textrnn_lessons.data.download import download_ag_news

    return download_ag_news(progress=False)  # already there: load_ag_news just checked


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _code_digest() -> str:
    """The package's source and the versions of the libraries that shape a result."""
    from textrnn_lessons.results.records import library_versions

    package = Path(textrnn_lessons.__file__).parent
    parts = [f"{name}={version}" for name, version in sorted(library_versions().items())]
    for path in sorted(package.rglob("*.py")):
        parts.append(f"{path.relative_to(package)}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
    return _digest(*parts)


def _rows(path: Path) -> int:
    from textrnn_lessons.data.reading import read_all_topics

    return len(read_all_topics(path))
