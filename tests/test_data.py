"""Reading AG News: the real files, their layout, and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest

from textrnn_lessons.data.download import DataError, is_canonical, md5sum
from textrnn_lessons.data.reading import (
    CLASS_NAMES,
    hold_out,
    load_ag_news,
    read_ag_news_csv,
    stratified_subset,
)
from textrnn_lessons.settings import PRESETS, get_preset

from .conftest import CANONICAL_TEST, MINI


def test_canonical_test_file_reads_as_the_tutorial_saw_it():
    split = read_ag_news_csv(CANONICAL_TEST)
    assert len(split) == 7_600
    assert np.bincount(split.labels).tolist() == [1_900] * 4
    assert is_canonical(CANONICAL_TEST)
    assert md5sum(CANONICAL_TEST) == "d52ea96a97a2d943681189a97654912d"


def test_text_is_title_then_description_and_labels_start_at_zero(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(
        '"3","Wall St. Bears Claw Back","Short-sellers are seeing green again."\n'
        '"1","Title only",""\n',
        encoding="utf-8",
    )
    split = read_ag_news_csv(path)
    assert split.texts == [
        "Wall St. Bears Claw Back Short-sellers are seeing green again.",
        "Title only",
    ]
    assert split.labels.tolist() == [2, 0]
    assert CLASS_NAMES == ("World", "Sports", "Business", "Sci/Tech")


@pytest.mark.parametrize(
    "bad_line, complaint",
    [
        ('"2","only two columns"', "expected 3 columns"),
        ('"5","title","description"', "label must be 1, 2, 3 or 4"),
        ('"x","title","description"', "label must be 1, 2, 3 or 4"),
        ('"4","",""', "both empty"),
    ],
)
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


def test_a_utf8_file_with_a_byte_order_mark_reads_like_one_without(tmp_path):
    """Excel's "CSV UTF-8" starts with a byte-order mark; the label must still read as 1."""
    path = tmp_path / "train.csv"
    path.write_bytes("\ufeff".encode() + b'"1","Talks resume","Diplomats met."\n')
    assert read_ag_news_csv(path).labels.tolist() == [0]


def _mini_rows(keep) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    with open(MINI / "train.csv", encoding="utf-8", newline="") as handle:
        writer.writerows(row for row in csv.reader(handle) if keep(row))
    return out.getvalue()


def test_a_topic_the_presets_subset_would_lose_is_named_before_training(tmp_path):
    sports = iter(range(2))  # two Sports articles among 4,500: the file passes, 800 of them cannot
    (tmp_path / "train.csv").write_text(
        _mini_rows(lambda row: row[0] != "2" or next(sports, None) is not None), encoding="utf-8"
    )
    (tmp_path / "test.csv").write_bytes((MINI / "test.csv").read_bytes())
    with pytest.raises(DataError) as caught:
        load_ag_news("smoke", tmp_path)
    message = str(caught.value)
    assert "The smoke preset's 800-article training subset of" in message
    assert "Sports 0" in message and "too few of some topics" in message
    load_ag_news("workshop", tmp_path)  # the whole file (4,502 < 12,000) keeps both


def test_a_data_setting_that_names_a_file_does_not_suggest_downloading_into_it(monkeypatch):
    monkeypatch.setenv("TEXTRNN_LESSONS_DATA", str(MINI / "train.csv"))
    with pytest.raises(DataError, match="is a file, not a folder") as caught:
        load_ag_news("smoke")
    assert "download --to" not in str(caught.value) and str(MINI) in str(caught.value)


def test_the_tutorial_protocol_trains_on_every_article_and_validates_on_the_test_set():
    clean = load_ag_news("smoke", MINI)
    leaky = load_ag_news("smoke", MINI, protocol="tutorial")
    assert (clean.protocol, leaky.protocol) == ("clean", "tutorial")
    assert len(leaky.train) == len(clean.train) + len(clean.validation)  # no hold-out
    assert leaky.validation is leaky.test  # the test set serves as validation data
    assert leaky.vocabulary_texts == leaky.train.texts + leaky.test.texts
    assert clean.vocabulary_texts == clean.train.texts
    assert "leaky" in leaky.describe() and "leaky" not in clean.describe()


def test_the_protocol_comes_from_the_environment_and_a_wrong_one_is_named(monkeypatch):
    monkeypatch.setenv("TEXTRNN_LESSONS_PROTOCOL", "tutorial")
    assert load_ag_news("smoke", MINI).protocol == "tutorial"
    with pytest.raises(ValueError, match="Unknown protocol 'leaky'.*clean.*tutorial"):
        load_ag_news("smoke", MINI, protocol="leaky")


def test_describe_says_when_the_folder_holds_fewer_articles_than_the_preset_asks():
    data = load_ag_news("workshop", MINI)  # the mini split has 6,000, the preset asks 12,000
    assert (
        "the preset asks for 12,000 training articles, this data folder has fewer"
        in data.describe()
    )
    assert "fewer" not in load_ag_news("smoke", MINI).describe()
