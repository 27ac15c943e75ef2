"""AG News: read, check and cut to a preset's size (downloading is download.py's job).

Introduced in notebook 01_prepare_data.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np

from ..settings import DATA_ENV, Preset, data_dir_from_env, get_preset, get_protocol

# Re-exported: these lived here before download.py, and notebooks and tests import them from here.
from .download import (
    REGISTRY,
    DataError,
    download_ag_news,
    unreadable,
)

CLASS_NAMES = ("World", "Sports", "Business", "Sci/Tech")
SEED = 42


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
    protocol: str = "clean"

    @property
    def vocabulary_texts(self) -> list[str]:
        """What the vocabulary is fitted on: the training texts, and under the tutorial's
        protocol the test texts too (the leak lesson 01 explains)."""
        if self.protocol == "tutorial":
            return self.train.texts + self.test.texts
        return self.train.texts

    def describe(self) -> str:
        """One line a notebook or log can print: preset, sizes actually used, source, protocol."""
        pool = len(self.train) + (len(self.validation) if self.protocol == "clean" else 0)
        short = []
        if self.preset.train_size and pool < self.preset.train_size:
            short.append(f"{self.preset.train_size:,} training")
        if self.preset.test_size and len(self.test) < self.preset.test_size:
            short.append(f"{self.preset.test_size:,} test")
        fewer = (
            f"; the preset asks for {' and '.join(short)} articles, this data folder has fewer"
            if short
            else ""
        )
        validation = (
            "the test set as validation"
            if self.protocol == "tutorial"
            else f"{len(self.validation):,} validation"
        )
        leak = (
            "; tutorial protocol: vocabulary fitted on test text too, validated on the "
            "test set (leaky, for comparing with the tutorial)"
            if self.protocol == "tutorial"
            else ""
        )
        return (
            f"preset {self.preset.name}: {len(self.train):,} training, {validation} and "
            f"{len(self.test):,} test articles (from {self.source}{fewer}){leak}"
        )


_LABELS = {"1": 0, "2": 1, "3": 2, "4": 3}  # the file's label -> class index
#: How much of a file's start is checked for signs of UTF-16 or binary content.
_SNIFF_BYTES = 1 << 16
# The csv module's default field limit (131,072 characters) is kept: the longest title or
# description in the canonical test file is 830 characters, so a longer field means a file
# that is not AG News, or a stray quote that swallowed the rows after it.


def read_ag_news_csv(path: Path | str) -> Split:
    """Parse one AG News CSV (label 1-4, title, description) into texts and 0-based labels.

    Every way a file can be wrong (not UTF-8, cut off inside a quoted field, a bad row, not
    readable) raises a DataError naming the file and, where there is one, the line.
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            _refuse_wrong_encoding(path, raw.read(_SNIFF_BYTES))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)  # strict: a file cut inside quotes is an error
            try:
                texts, labels = _read_rows(path, reader)
            except UnicodeDecodeError:
                _not_utf8(path, _first_undecodable(path))
            except csv.Error as error:
                raise DataError(_csv_problem(path, reader.line_num, error)) from None
        _refuse_cut_last_row(path, len(texts))
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, not an AG News CSV file.") from None
    except DataError:
        raise
    except OSError as error:
        raise unreadable(path, error) from None
    if not texts:
        raise DataError(f"{path} holds no rows. Download the data again.")
    return Split(texts, np.asarray(labels, dtype="int32"))


def _refuse_cut_last_row(path: Path, rows: int) -> None:
    """A file that ends right after a comma, with no final newline, was cut off: its last row
    lost its description (a whole row ends with a quote or a newline: `"3","Title",""`)."""
    with open(path, "rb") as raw:
        raw.seek(0, 2)
        if raw.tell() == 0:
            return
        raw.seek(-1, 2)
        if raw.read(1) != b",":
            return
    raise DataError(
        f"{path} ends in the middle of its last row (row {rows:,}): right after a comma, with no "
        "description and no final newline, so the file was cut off, by an interrupted copy or "
        "download. Download it again (`textrnn-lessons download`) or copy it again in full."
    )


def _read_rows(path: Path, reader) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    for row in reader:
        if len(row) != 3:
            raise DataError(
                f"{path}, line {reader.line_num}: expected 3 columns (label, "
                f"title, description), found {len(row)}. Is this an AG News "
                "CSV file?"
            )
        label, title, description = row
        index = _LABELS.get(label.strip())
        if index is None:
            raise DataError(
                f"{path}, line {reader.line_num}: the label must be 1, 2, 3 or 4, found {label!r}."
            )
        text = f"{title} {description}".strip()
        if not text:
            raise DataError(
                f"{path}, line {reader.line_num}: the title and description are both empty."
            )
        texts.append(text)
        labels.append(index)
    return texts, labels


def _refuse_wrong_encoding(path: Path, head: bytes) -> None:
    """UTF-16 (with or without a byte-order mark) and binary files, spotted by their first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        _not_utf8(path, "it starts with a UTF-16 byte-order mark")
    if b"\x00" in head:
        _not_utf8(path, "it holds NUL bytes, so it is UTF-16 or binary")


def _first_undecodable(path: Path) -> str:
    """Where a file stops being UTF-8: the byte and its line (read again, on the error path only)."""
    content = path.read_bytes()
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        return (
            f"line {line} holds the byte 0x{content[error.start]:02x}, which is not UTF-8 "
            "(the file is Latin-1 or Windows-1252, perhaps)"
        )
    return "it could not be read as UTF-8"


def _not_utf8(path: Path, detail: str) -> NoReturn:
    raise DataError(
        f"{path} is not an AG News CSV file in UTF-8: {detail}. If it was downloaded, download "
        "it again (`textrnn-lessons download`); if you made it, save it as CSV with UTF-8 "
        "encoding (columns: label 1-4, title, description)."
    ) from None


def _csv_problem(path: Path, line: int, error: Exception) -> str:
    """A sentence for the csv module's errors: a file cut off, an over-long field, bad quoting."""
    message = str(error)
    if "unexpected end of data" in message:
        return (
            f"{path} ends in the middle of a quoted field (line {line}): the file was cut "
            "off, by an interrupted copy or download. Download it again "
            "(`textrnn-lessons download`) or copy it again in full."
        )
    if "field larger than field limit" in message:
        return (
            f"{path}, after line {line}: a field is longer than {csv.field_size_limit():,} "
            "characters; AG News titles and descriptions are under a thousand. A quote "
            "that is never closed swallows the rows after it like this. Is this an AG News "
            "CSV file? Download it again or fix the quoting."
        )
    return (
        f"{path}, line {line} is not valid CSV ({message}). Is this an AG News CSV file? "
        "Download it again, or fix that line."
    )


def check_topics(split: Split, path: Path | str, training: bool = True) -> None:
    """Every one of the four topics is there, with two or more articles in a training file
    (one each side of the validation split)."""
    counts = np.bincount(split.labels, minlength=len(CLASS_NAMES))
    missing = [name for name, count in zip(CLASS_NAMES, counts) if count == 0]
    if missing:
        raise DataError(
            f"{path} has no articles of {' or '.join(missing)}: the lessons classify all four AG "
            f"News topics, and a model trained without one would never predict it. Use the "
            f"complete AG News files (`textrnn-lessons download`)."
        )
    lonely = [name for name, count in zip(CLASS_NAMES, counts) if count == 1]
    if lonely and training:
        raise DataError(
            f"{path} has only one article of {' or '.join(lonely)}: the split into training "
            f"and validation needs at least two of every topic ({_counts(counts)}). Use the "
            f"complete AG News files (`textrnn-lessons download`) or add articles."
        )


def read_all_topics(path: Path) -> Split:
    """`read_ag_news_csv`, then `check_topics` (a file named test.csv is checked as a test file)."""
    split = read_ag_news_csv(path)
    check_topics(split, path, training=Path(path).name != "test.csv")
    return split


def _check_subset(subset: Split, path: Path, preset: Preset, role: str) -> None:
    """A preset's stratified subset still has every topic, two or more of each for training."""
    counts = np.bincount(subset.labels, minlength=len(CLASS_NAMES))
    if counts.min() < (2 if role == "training" else 1):
        raise DataError(
            f"The {preset.name} preset's {len(subset):,}-article {role} subset of {path} would "
            f"hold {_counts(counts)}: too few of some topics to train and evaluate on all four. "
            f"Use a file with more articles of each topic, such as the complete AG News files "
            f"(`textrnn-lessons download`)."
        )


def _counts(counts) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in zip(CLASS_NAMES, counts))


def _locate_files(data_dir: Path | str | None) -> tuple[Path, str]:
    """Find a folder with train.csv and test.csv: argument, then $TEXTRNN_LESSONS_DATA, then cache."""
    folder = Path(data_dir).expanduser() if data_dir else data_dir_from_env()
    if folder is not None:
        check_data_folder(folder)
        return folder, str(folder)
    return download_ag_news(), "the canonical AG News files"


def require_folder(folder: Path) -> None:
    """Refuse a data folder setting that names a file (train.csv itself, say)."""
    if folder.exists() and not folder.is_dir():
        raise DataError(
            f"{folder} is a file, not a folder. The argument or {DATA_ENV} must name the folder "
            f"that holds train.csv and test.csv (such as {folder.parent}), not a file in it."
        )


def check_data_folder(folder: Path) -> None:
    """A folder given by argument or $TEXTRNN_LESSONS_DATA holds train.csv and test.csv."""
    require_folder(folder)
    folders = [name for name in REGISTRY if (folder / name).is_dir()]
    if folders:
        raise DataError(
            f"{' and '.join(str(folder / name) for name in folders)} "
            f"{'is a folder' if len(folders) == 1 else 'are folders'}, not "
            f"{'a file' if len(folders) == 1 else 'files'}: the data folder must hold the AG "
            f"News CSV files train.csv and test.csv themselves. If the file is inside that "
            f"folder, move it up; or `textrnn-lessons download --to DIR` fills a new folder."
        )
    missing = [name for name in REGISTRY if not (folder / name).is_file()]
    if missing:
        raise DataError(
            f"{folder} has no {' or '.join(missing)}. The folder given by the argument or "
            f"{DATA_ENV} must hold train.csv and test.csv in the AG News layout; "
            f"`textrnn-lessons download --to {folder}` fills it."
        )


def stratified_subset(split: Split, size: int | None, seed: int = SEED) -> Split:
    """A class-balanced random subset, the same for the same seed; the whole split if size is None."""
    if size is None or size >= len(split):
        return split
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(
        np.arange(len(split)), train_size=size, random_state=seed, stratify=split.labels
    )
    keep = np.sort(keep)
    return Split([split.texts[i] for i in keep], split.labels[keep])


def hold_out(split: Split, fraction: float, seed: int = SEED) -> tuple[Split, Split]:
    """Split off a stratified validation slice from the training data (never the test set)."""
    from sklearn.model_selection import train_test_split

    train_idx, val_idx = train_test_split(
        np.arange(len(split)), test_size=fraction, random_state=seed, stratify=split.labels
    )
    pick = lambda idx: Split([split.texts[i] for i in idx], split.labels[idx])  # noqa: E731
    return pick(np.sort(train_idx)), pick(np.sort(val_idx))


def load_ag_news(
    preset: str | Preset | None = None,
    data_dir: Path | str | None = None,
    protocol: str | None = None,
) -> AGNews:
    """The train/validation/test splits for a preset (notebook 01_prepare_data).

    `protocol` (default: $TEXTRNN_LESSONS_PROTOCOL, else "clean"): "tutorial" trains on every
    article of the preset's pool and uses the test set as validation data, as the tutorial did.
    """
    preset, protocol = get_preset(preset), get_protocol(protocol)
    folder, source = _locate_files(data_dir)
    train_all = read_all_topics(folder / "train.csv")
    test_all = read_all_topics(folder / "test.csv")
    try:
        train_pool = stratified_subset(train_all, preset.train_size)
        _check_subset(train_pool, folder / "train.csv", preset, "training")
        test = stratified_subset(test_all, preset.test_size)
        _check_subset(test, folder / "test.csv", preset, "test")
        if protocol == "tutorial":
            train, validation = train_pool, test
        else:
            train, validation = hold_out(train_pool, preset.validation_fraction)
    except ValueError as error:  # scikit-learn: a topic too small to stratify at this size
        raise DataError(
            f"The {preset.name} preset cannot cut subsets with every topic on each side from "
            f"{folder}: train.csv holds {_counts(np.bincount(train_all.labels, minlength=4))}, "
            f"test.csv {_counts(np.bincount(test_all.labels, minlength=4))} (scikit-learn: "
            f"{error}). Use files with more articles of each topic, such as the complete AG "
            f"News files (`textrnn-lessons download`)."
        ) from None
    return AGNews(train, validation, test, CLASS_NAMES, source, preset, protocol)
