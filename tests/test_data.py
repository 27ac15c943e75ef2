"""Reading AG News: the real files, their layout, and clear errors for bad input."""
from __future__ import annotations

import numpy as np
import pytest

from textrnn_lessons.config import PRESETS, get_preset
from textrnn_lessons.data import (CLASS_NAMES, DataError, hold_out, is_canonical, load_ag_news,
                                  md5sum, read_ag_news_csv, stratified_subset)

from .conftest import CANONICAL_TEST, MINI


def test_canonical_test_file_reads_as_the_tutorial_saw_it():
    split = read_ag_news_csv(CANONICAL_TEST)
    assert len(split) == 7_600
    assert np.bincount(split.labels).tolist() == [1_900] * 4
    assert is_canonical(CANONICAL_TEST)
    assert md5sum(CANONICAL_TEST) == "d52ea96a97a2d943681189a97654912d"


def test_text_is_title_then_description_and_labels_start_at_zero(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text('"3","Wall St. Bears Claw Back","Short-sellers are seeing green again."\n'
                    '"1","Title only",""\n', encoding="utf-8")
    split = read_ag_news_csv(path)
    assert split.texts == ["Wall St. Bears Claw Back Short-sellers are seeing green again.", "Title only"]
    assert split.labels.tolist() == [2, 0]
    assert CLASS_NAMES == ("World", "Sports", "Business", "Sci/Tech")


@pytest.mark.parametrize("bad_line, complaint", [
    ('"2","only two columns"', "expected 3 columns"),
    ('"5","title","description"', "label must be 1, 2, 3 or 4"),
    ('"x","title","description"', "label must be 1, 2, 3 or 4"),
    ('"4","",""', "both empty"),
])
def test_malformed_rows_name_the_file_and_line(tmp_path, bad_line, complaint):
    path = tmp_path / "test.csv"
    path.write_text('"1","fine","row"\n' + bad_line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=complaint) as caught:
        read_ag_news_csv(path)
    assert f"{path}, line 2" in str(caught.value)


def test_missing_files_in_a_given_folder_say_how_to_fill_it(tmp_path):
    (tmp_path / "test.csv").write_text('"1","a","b"\n', encoding="utf-8")
    with pytest.raises(DataError, match="no train.csv") as caught:
        load_ag_news("smoke", tmp_path)
    assert "textrnn-lessons download --to" in str(caught.value)


def test_data_folder_comes_from_the_environment(mini_dir):
    data = load_ag_news("smoke")
    assert data.source == str(mini_dir)
    assert "preset smoke" in data.describe()


def test_presets_cut_stratified_subsets_and_hold_out_validation_from_training():
    data = load_ag_news("smoke", MINI)
    smoke = PRESETS["smoke"]
    assert len(data.train) + len(data.validation) == smoke.train_size
    assert len(data.test) == smoke.test_size
    assert np.bincount(data.test.labels).tolist() == [smoke.test_size // 4] * 4
    assert not set(data.validation.texts) & set(data.test.texts)
    assert not set(data.validation.texts) & set(data.train.texts)
    workshop = load_ag_news("workshop", MINI)
    assert len(workshop.test) == 1_600  # the workshop preset keeps the whole test set


def test_subsets_are_the_same_for_the_same_seed():
    full = read_ag_news_csv(MINI / "train.csv")
    first, second = stratified_subset(full, 500), stratified_subset(full, 500)
    assert first.texts == second.texts
    train, val = hold_out(first, 0.2)
    assert len(val) == 100 and np.bincount(val.labels).tolist() == [25] * 4


def test_unknown_preset_lists_the_choices(monkeypatch):
    with pytest.raises(ValueError, match="smoke, workshop, full"):
        get_preset("huge")
    monkeypatch.setenv("TEXTRNN_LESSONS_PRESET", "full")
    assert get_preset().name == "full"
