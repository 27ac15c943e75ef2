"""Presets and locations: how big a run is, and where data and results live.

Introduced in notebook 00_start_here. Everything here is plain Python so that
`textrnn-lessons --help` stays instant (no TensorFlow import).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "textrnn-lessons"
PRESET_ENV = "TEXTRNN_LESSONS_PRESET"
DATA_ENV = "TEXTRNN_LESSONS_DATA"
RESULTS_ENV = "TEXTRNN_LESSONS_RESULTS"
CACHE_ENV = "TEXTRNN_LESSONS_CACHE"


@dataclass(frozen=True)
class Preset:
    """How much data and training one run uses.

    `train_size`/`test_size` of None mean "every row the files hold".
    """

    name: str
    train_size: int | None
    test_size: int | None
    epochs: int
    batch_size: int
    lime_samples: int
    validation_fraction: float = 0.1
    description: str = ""


PRESETS: dict[str, Preset] = {
    "smoke": Preset(
        name="smoke",
        train_size=800,
        test_size=400,
        epochs=1,
        batch_size=128,
        lime_samples=300,
        description="seconds per notebook: checks that everything runs, accuracy is meaningless",
    ),
    "workshop": Preset(
        name="workshop",
        train_size=12_000,
        test_size=None,
        epochs=3,
        batch_size=256,
        lime_samples=2_000,
        description="a stratified 12,000-article training subset and the full test set: "
        "real results at classroom speed",
    ),
    "full": Preset(
        name="full",
        train_size=None,
        test_size=None,
        epochs=5,
        batch_size=512,
        lime_samples=5_000,
        description="the tutorial's data and training: 108,000 of the 120,000 training articles "
        "(all of them under the tutorial protocol), all 7,600 test articles, 5 epochs, batch 512",
    ),
}
DEFAULT_PRESET = "workshop"

PROTOCOL_ENV = "TEXTRNN_LESSONS_PROTOCOL"
#: How data is split and the vocabulary fitted. "clean" (the default, and the lessons'): the
#: vocabulary sees training text only, and validation is a tenth held out of the training
#: articles. "tutorial": the tutorial's leaky protocol, to compare like for like with its
#: figures: vocabulary fitted on training and test text, every training article trained on,
#: the test set used as validation data.
PROTOCOLS = ("clean", "tutorial")


def get_preset(name: str | Preset | None = None) -> Preset:
    """Resolve a preset from an argument, then $TEXTRNN_LESSONS_PRESET, then the default."""
    if isinstance(name, Preset):
        return name
    chosen = name or os.environ.get(PRESET_ENV) or DEFAULT_PRESET
    try:
        return PRESETS[chosen.strip().lower()]
    except KeyError:
        raise ValueError(
            f"Unknown preset {chosen!r}. Choose one of {', '.join(PRESETS)} "
            f"(by argument or by setting {PRESET_ENV})."
        ) from None


def get_protocol(name: str | None = None) -> str:
    """Resolve a protocol from an argument, then $TEXTRNN_LESSONS_PROTOCOL, then "clean"."""
    chosen = (name or os.environ.get(PROTOCOL_ENV) or "clean").strip().lower()
    if chosen not in PROTOCOLS:
        raise ValueError(
            f'Unknown protocol {chosen!r}. Choose "clean" (the lessons\') or '
            f'"tutorial" (the tutorial\'s leaky one), by argument or {PROTOCOL_ENV}.'
        )
    return chosen


def cache_dir() -> Path:
    """Per-user folder for downloaded AG News files ($TEXTRNN_LESSONS_CACHE overrides)."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def data_dir_from_env() -> Path | None:
    """The folder named by $TEXTRNN_LESSONS_DATA, if any."""
    value = os.environ.get(DATA_ENV)
    return Path(value).expanduser() if value else None


def results_path() -> Path:
    """The results log (JSON lines). $TEXTRNN_LESSONS_RESULTS overrides the per-user default."""
    override = os.environ.get(RESULTS_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "results.jsonl"
