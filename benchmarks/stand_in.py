"""The workshop-sized stand-in for AG News, for benchmarks on a machine without the canonical
training file: timing and memory are the workshop preset's, accuracy means nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared")) / "ag_news"


def stand_in_data(folder: Path) -> Path:
    """Write train.csv (the canonical 7,600 test articles plus the mini split's 6,000 training
    articles: 13,600 rows, of which the workshop preset draws 12,000) and the canonical
    test.csv into `folder`. Its test articles also appear in its training file."""
    sources = [SHARED / "test.csv", SHARED / "mini" / "train.csv"]
    missing = [str(path) for path in sources if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"The workshop-sized stand-in is built from {', '.join(missing)}, "
            "which is missing; give a folder holding train.csv and test.csv "
            "(--data DIR) instead."
        )
    with open(folder / "train.csv", "wb") as train:
        for source in sources:
            rows = source.read_bytes()
            train.write(rows if rows.endswith(b"\n") else rows + b"\n")
    shutil.copyfile(SHARED / "test.csv", folder / "test.csv")
    return folder
