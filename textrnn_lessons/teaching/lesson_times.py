"""How long each lesson takes: the measured reference, and `check`'s estimate for this machine.

Introduced in notebook 00_start_here (through `run_checks`). The lesson timings were measured
by benchmarks/notebook_resources.py on one machine, together with a tiny training run; `check`
times the same tiny run here and scales the recorded times by the ratio.
"""

from __future__ import annotations

import time

from ..settings import Preset, get_preset

# What each lesson took, measured by benchmarks/notebook_resources.py: every notebook run top to
# bottom in a fresh kernel (nbclient), and the tiny run below timed on the same machine in the
# same session (median of one before and one after the notebooks). `check` scales these by
# (tiny run here / tiny run there). "train_s" is the time spent in model.fit (the runs a
# notebook logs), scaled again by the preset's article-epochs per run on the canonical files
# over those recorded ("article_epochs_per_run": training articles x epochs); "other_s" is the
# rest (in 07 that includes its experiments, which are not logged). Recorded on a
# workshop-sized stand-in (13,600 training rows, of which the preset draws 12,000, and the
# canonical 7,600 test articles), on a 2-core machine. The lessons' opening boxes quote these
# totals (tests/test_lessons.py checks). Re-measure after changing the notebooks or the
# training code:
#   python benchmarks/notebook_resources.py --presets workshop --data DIR --record
LESSON_REFERENCE: dict = {
    "measured_on": "2026-12-04 on a 2-core x86_64 Linux VM",
    "presets": {
        "workshop": {
            "tiny_run_s": 1.12,
            "article_epochs_per_run": 32_400,
            "lessons": {
                "00_start_here": {"other_s": 6.7, "train_s": 0},
                "01_prepare_data": {"other_s": 7.1, "train_s": 0},
                "02_single_rnn_25_tokens": {"other_s": 15.4, "train_s": 2.4},
                "03_single_rnn_50_tokens": {"other_s": 7.1, "train_s": 2.6},
                "04_bidirectional_rnn": {"other_s": 7.3, "train_s": 3.4},
                "05_stacked_rnn": {"other_s": 7.2, "train_s": 5.4},
                "06_stacked_bidirectional_rnn": {"other_s": 7.7, "train_s": 9.4},
                # Nothing is logged under 07's Run All (missing approaches train only on
                # request, the final test only on the learner's choice): its train_s is the
                # time of the three cells that train its baseline and two experiments (nine
                # runs; 10.5 + 9.0 + 10.5 s in the same recording), so it scales with a preset.
                "07_results_and_next_steps": {"other_s": 5.9, "train_s": 29.9},
            },
        },
    },
    # A preset with no recording is extrapolated from workshop by article-epochs, times this
    # factor: approach 5's 5-epoch fit with the lessons' settings on 108,000 articles (the mini
    # training rows repeated) took 83.5 s for 540,000 article-epochs (benchmarks/speed_section.py,
    # 2026-12-04, one run), 0.53 of what notebook 06's 9.4 s for 32,400 in workshop predicts
    # (batch 512 instead of 256 costs less per article).
    "extrapolated_training_factor": {"full": 0.53},
    # Largest peak RSS of any notebook's kernel, in MB: workshop 06 in the recording above;
    # full: approach 5 trained on 108,000 of those 120,000 rows for one epoch, then a LIME
    # explanation (`notebook_resources.py --full-memory`, 2026-12-03).
    "peak_rss_mb": {"workshop": 1174, "full": 1417},
}


def tiny_run(data_dir=None) -> tuple[float, float, int]:
    """Approach 1 trained for one epoch on the smoke preset: (seconds, test accuracy, articles).

    The seconds cover loading, vectorizing, building, training and evaluating, but not
    importing TensorFlow, so they compare fairly between a fresh process and a warm kernel.
    """
    import keras  # noqa: F401 - imported before the clock starts

    from ..data.reading import load_ag_news
    from ..models.approaches import get_approach
    from ..training.trainer import run_approach

    started = time.perf_counter()
    data = load_ag_news(get_preset("smoke"), data_dir)
    result = run_approach(get_approach(1), data, verbose=0, log=False)
    return time.perf_counter() - started, result.evaluation.accuracy, len(data.train)


def training_message(preset: Preset, seconds: float, accuracy: float, articles: int) -> str:
    return (
        f"approach 1 trained for 1 epoch on {articles:,} articles and evaluated in "
        f"{seconds:.1f} s (test accuracy {accuracy:.2f}, meaningless at this size; the "
        f"lessons will use the {preset.name} preset)"
    )


def _article_epochs(preset: Preset) -> int:
    """Training articles times epochs for a preset on the canonical files (120,000 training rows)."""
    pool = preset.train_size or 120_000
    return round(pool * (1 - preset.validation_fraction)) * preset.epochs


def estimate_lesson_times(
    preset: Preset, tiny_seconds: float, reference: dict | None = None
) -> dict:
    """Expected wall seconds per notebook on this machine, from the recorded reference run.

    Each lesson's recorded time is scaled by how fast this machine did the tiny run
    compared with the reference machine; its training part is also scaled by the
    preset's article-epochs over those recorded. A preset that was never recorded is
    extrapolated from the workshop recording, corrected by a factor measured on one notebook
    (rougher: say so when showing it).
    """
    reference = reference or LESSON_REFERENCE
    recorded = reference["presets"].get(preset.name) or reference["presets"].get("workshop")
    if not recorded:
        return {}
    speed = tiny_seconds / recorded["tiny_run_s"]
    more_training = _article_epochs(preset) / recorded["article_epochs_per_run"]
    if preset.name not in reference["presets"]:
        more_training *= reference.get("extrapolated_training_factor", {}).get(preset.name, 1.0)
    return {
        notebook: (parts["other_s"] + parts["train_s"] * more_training) * speed
        for notebook, parts in recorded["lessons"].items()
    }


def recorded_run_all(notebook: str, preset: str = "workshop") -> str:
    """A lesson's recorded Run All time, as its opening box states it (tests/test_lessons.py
    keeps the two in step)."""
    parts = LESSON_REFERENCE["presets"][preset]["lessons"][notebook]
    return _minutes(parts["other_s"] + parts["train_s"])


def lesson_times_message(preset: Preset, tiny_seconds: float) -> tuple[bool, str]:
    """One line: the expected minutes of each lesson in `preset`, and how they were estimated."""
    estimates = estimate_lesson_times(preset, tiny_seconds)
    if not estimates:
        return True, "no recorded lesson timings to scale (run benchmarks/notebook_resources.py)"
    presets = LESSON_REFERENCE["presets"]
    recorded = presets.get(preset.name) or presets["workshop"]
    listed = ", ".join(f"{name.split('_')[0]} {_minutes(s)}" for name, s in estimates.items())
    there = recorded["tiny_run_s"]
    how = (
        f"times recorded {LESSON_REFERENCE['measured_on']}, scaled x{tiny_seconds / there:.2f} "
        f"by this machine's tiny run ({tiny_seconds:.1f} s here, {there:.1f} s there)"
    )
    if preset.name not in presets:
        corrected = preset.name in LESSON_REFERENCE.get("extrapolated_training_factor", {})
        how += (
            f"; the {preset.name} preset was never recorded, so its training time is "
            "extrapolated from the workshop recording"
            + (" (corrected by approach 5 measured in that preset)" if corrected else "")
            + ": a rough guide"
        )
    return True, (
        f"{preset.name} preset, expected per notebook: {listed}; "
        f"total {_minutes(sum(estimates.values()))} ({how})"
    )


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
