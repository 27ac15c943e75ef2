"""AG News: download once, verify, cache, read, and cut to a preset's size.

Introduced in notebook 01_prepare_data.
"""
from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import DATA_ENV, Preset, cache_dir, data_dir_from_env, get_preset

CLASS_NAMES = ("World", "Sports", "Business", "Sci/Tech")
_BASE_URL = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"

# One registry for the data: file name -> (URL, MD5). The same files torchtext used.
REGISTRY = {
    "train.csv": (_BASE_URL + "train.csv", "b1a00f826fdfbd249f79597b59e1dc12"),
    "test.csv": (_BASE_URL + "test.csv", "d52ea96a97a2d943681189a97654912d"),
}
SEED = 42
# A mirror of the same files (e.g. an instructor's `python -m http.server` on the room's network).
MIRROR_ENV = "TEXTRNN_LESSONS_DATA_URL"
# "name=md5[,name=md5]": expect other bytes for the named files (tests, private copies); the
# files it names are then reported as not canonical, and unnamed files keep their published MD5.
MD5_ENV = "TEXTRNN_LESSONS_DATA_MD5"


class DataError(RuntimeError):
    """AG News could not be found, fetched or read; the message says what to do."""


def download_sources() -> dict[str, tuple[str, str]]:
    """The registry a download uses: REGISTRY, with $TEXTRNN_LESSONS_DATA_URL and _MD5 applied."""
    base = os.environ.get(MIRROR_ENV, "").strip()
    if base and not base.startswith(("http://", "https://", "ftp://")):
        raise DataError(f"{MIRROR_ENV}={base!r} is not a web address: give the http(s):// "
                        "folder that holds train.csv and test.csv, or unset it.")
    expected = {name: md5 for name, (_, md5) in REGISTRY.items()}
    for item in filter(None, os.environ.get(MD5_ENV, "").split(",")):
        name, _, md5 = item.strip().partition("=")
        md5 = md5.strip().lower()
        if name not in REGISTRY or len(md5) != 32 or not all(c in "0123456789abcdef" for c in md5):
            raise DataError(f"{MD5_ENV} must look like 'train.csv=<32 hex digits>', separated by "
                            f"commas; could not read {item!r}. Fix it or unset it.")
        expected[name] = md5
    return {name: ((base.rstrip("/") + "/" + name) if base else url, expected[name])
            for name, (url, _) in REGISTRY.items()}


@dataclass(frozen=True)
class Split:
    """Texts and their 0-based labels."""

    texts: list[str]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class AGNews:
    """The splits one run uses, and where they came from."""

    train: Split
    validation: Split
    test: Split
    class_names: tuple[str, ...]
    source: str
    preset: Preset

    def describe(self) -> str:
        """One line a notebook or log can print: preset, sizes and source."""
        return (
            f"preset {self.preset.name}: {len(self.train):,} training, "
            f"{len(self.validation):,} validation and {len(self.test):,} test articles "
            f"(from {self.source})"
        )


def md5sum(path: Path) -> str:
    """MD5 of a file, read in chunks so big files don't fill memory."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_canonical(path: Path) -> bool:
    """True when the file is byte-identical to the canonical AG News file of that name."""
    expected = REGISTRY.get(Path(path).name, (None, None))[1]
    return expected is not None and Path(path).is_file() and md5sum(path) == expected


def download_ag_news(folder: Path | str | None = None, progress: bool = True) -> Path:
    """Fetch both canonical files into `folder` (default: the user cache), verifying MD5s.

    pooch writes to a temporary file and only moves it into place once the hash
    matches, so an interrupted or corrupted download never looks like data.
    """
    import pooch
    import requests

    folder = Path(folder) if folder else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, (url, md5) in download_sources().items():
        try:
            pooch.retrieve(url, known_hash=f"md5:{md5}", fname=name, path=folder,
                           progressbar=progress)
        except requests.exceptions.RequestException as error:
            mirror = f" (from ${MIRROR_ENV})" if os.environ.get(MIRROR_ENV) else ""
            raise DataError(
                f"Could not download {url}{mirror} ({type(error).__name__}): the host could not "
                f"be reached, or the connection broke off part way (nothing partial was kept). "
                f"Looked for {name} in {folder}. Check the connection and run `textrnn-lessons "
                f"download` again, or put train.csv and test.csv in a folder and set {DATA_ENV} to it."
            ) from error
        except ValueError as error:  # pooch's hash mismatch; it has already removed the file
            raise DataError(
                f"The file downloaded from {url} is corrupted or incomplete ({error}). "
                f"{name} was not kept in {folder}; run the download again."
            ) from error
        _make_readable(folder / name)
    return folder


def _make_readable(path: Path) -> None:
    """Give a downloaded file the permissions the umask allows: pooch leaves it private (0600),
    which breaks a folder shared with a room."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


_LABELS = {"1": 0, "2": 1, "3": 2, "4": 3}  # the file's label -> class index


def read_ag_news_csv(path: Path | str) -> Split:
    """Parse one AG News CSV (label 1-4, title, description) into texts and 0-based labels."""
    path = Path(path)
    texts: list[str] = []
    labels: list[int] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        for row in reader:
            if len(row) != 3:
                raise DataError(f"{path}, line {reader.line_num}: expected 3 columns (label, "
                                f"title, description), found {len(row)}. Is this an AG News "
                                "CSV file?")
            label, title, description = row
            index = _LABELS.get(label.strip())
            if index is None:
                raise DataError(f"{path}, line {reader.line_num}: the label must be 1, 2, 3 or "
                                f"4, found {label!r}.")
            text = f"{title} {description}".strip()
            if not text:
                raise DataError(f"{path}, line {reader.line_num}: the title and description "
                                "are both empty.")
            texts.append(text)
            labels.append(index)
    if not texts:
        raise DataError(f"{path} holds no rows. Download the data again.")
    return Split(texts, np.asarray(labels, dtype="int32"))


def _locate_files(data_dir: Path | str | None) -> tuple[Path, str]:
    """Find a folder with train.csv and test.csv: argument, then $TEXTRNN_LESSONS_DATA, then cache."""
    folder = Path(data_dir).expanduser() if data_dir else data_dir_from_env()
    if folder is not None:
        missing = [name for name in REGISTRY if not (folder / name).is_file()]
        if missing:
            raise DataError(
                f"{folder} has no {' or '.join(missing)}. The folder given by the argument or "
                f"{DATA_ENV} must hold train.csv and test.csv in the AG News layout; "
                f"`textrnn-lessons download --to {folder}` fills it."
            )
        return folder, str(folder)
    return download_ag_news(), "the canonical AG News files"


def stratified_subset(split: Split, size: int | None, seed: int = SEED) -> Split:
    """A class-balanced random subset, the same for the same seed; the whole split if size is None."""
    if size is None or size >= len(split):
        return split
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(split)), train_size=size, random_state=seed,
                               stratify=split.labels)
    keep = np.sort(keep)
    return Split([split.texts[i] for i in keep], split.labels[keep])


def hold_out(split: Split, fraction: float, seed: int = SEED) -> tuple[Split, Split]:
    """Split off a stratified validation slice from the training data (never the test set)."""
    from sklearn.model_selection import train_test_split

    train_idx, val_idx = train_test_split(np.arange(len(split)), test_size=fraction,
                                          random_state=seed, stratify=split.labels)
    pick = lambda idx: Split([split.texts[i] for i in idx], split.labels[idx])  # noqa: E731
    return pick(np.sort(train_idx)), pick(np.sort(val_idx))


def load_ag_news(preset: str | Preset | None = None, data_dir: Path | str | None = None) -> AGNews:
    """The train/validation/test splits for a preset (notebook 01_prepare_data)."""
    preset = get_preset(preset)
    folder, source = _locate_files(data_dir)
    train_all = read_ag_news_csv(folder / "train.csv")
    test_all = read_ag_news_csv(folder / "test.csv")
    train_pool = stratified_subset(train_all, preset.train_size)
    train, validation = hold_out(train_pool, preset.validation_fraction)
    test = stratified_subset(test_all, preset.test_size)
    return AGNews(train, validation, test, CLASS_NAMES, source, preset)
