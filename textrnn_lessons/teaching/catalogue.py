"""The list of lessons: the one place that says which notebooks exist, in which order.

It feeds 00's table of lessons, each lesson's closing "Next" link, `check`'s lesson times,
the notebook tests and the README's table (tests/test_lessons.py keeps the README in step).
Adding a lesson is one text file in notebooks/ (paired with its .ipynb by jupytext) and one
entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One notebook: its file stem, its title, and what a learner gets from it."""

    stem: str
    title: str
    summary: str

    @property
    def notebook(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def number(self) -> str:
        return self.stem[:2]


LESSONS: tuple[Lesson, ...] = (
    Lesson("00_start_here", "Start here", "what you will build, presets, a set-up and data check"),
    Lesson(
        "01_prepare_data",
        "Prepare the data",
        "AG News, tokens, vocabulary, indexes; why 25 vs 50 tokens matters",
    ),
    Lesson(
        "02_single_rnn_25_tokens",
        "Approach 1: one recurrent layer reading 25 tokens",
        "your first network in Keras: Embedding, SimpleRNN, Dense; compile, fit, evaluate, LIME",
    ),
    Lesson(
        "03_single_rnn_50_tokens",
        "Approach 2: one recurrent layer reading 50 tokens",
        "you write approach 2: what a longer window changes",
    ),
    Lesson(
        "04_bidirectional_rnn",
        "Approach 3: one bidirectional recurrent layer",
        "you write approach 3 with `Bidirectional`",
    ),
    Lesson(
        "05_stacked_rnn",
        "Approach 4: three stacked recurrent layers",
        "you write approach 4 with `return_sequences=True`",
    ),
    Lesson(
        "06_stacked_bidirectional_rnn",
        "Approach 5: three stacked bidirectional layers",
        "you write approach 5",
    ),
    Lesson(
        "07_results_and_next_steps",
        "Results and next steps",
        "all five side by side with the tutorial's numbers; experiments compared over seeds "
        "on validation, and one final test",
    ),
)


def get_lesson(stem: str) -> Lesson:
    """A lesson by its stem ('02_single_rnn_25_tokens') or its number ('02')."""
    for lesson in LESSONS:
        if stem in (lesson.stem, lesson.number):
            return lesson
    raise ValueError(
        f"No lesson {stem!r}; the lessons are {', '.join(each.stem for each in LESSONS)}."
    )


def markdown_table() -> str:
    """The lessons as a Markdown table (00_start_here shows it; the README holds a copy)."""
    rows = ["| Notebook | What you learn |", "| --- | --- |"]
    rows += [f"| `{lesson.stem}` | {lesson.summary} |" for lesson in LESSONS]
    return "\n".join(rows)


def show_lessons() -> None:
    """Display the table of lessons (notebook 00_start_here)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown_table()))


def show_next(stem: str) -> None:
    """Display a link to the lesson after `stem`, or say this was the last one."""
    from IPython.display import Markdown, display

    lessons = list(LESSONS)
    position = lessons.index(get_lesson(stem))
    if position + 1 == len(lessons):
        display(Markdown("That was the last lesson. Well done!"))
        return
    following = lessons[position + 1]
    display(
        Markdown(f"**Next:** open [{following.number} · {following.title}]({following.notebook}).")
    )
