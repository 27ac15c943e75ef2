"""Write the lesson notebooks in notebooks/ from this one source.

The five approach notebooks (02-06) share one template: the same steps and the same
helper calls, with each approach's own prose. Edit the text here, then run:

    python tools/make_notebooks.py                  # write notebooks/*.ipynb
    python tools/make_notebooks.py --check          # exit 1 if notebooks/ is out of date
    python tools/make_notebooks.py --fill-checked   # also refresh the checked cells' outputs

Notebooks are written without outputs, except cells marked `# NBVAL_CHECK_OUTPUT`,
whose output is deterministic and compared by nbval. Their stored output is kept
when their source is unchanged; `--fill-checked` runs those notebooks top to bottom in
a fresh kernel (smoke preset) and stores the new outputs of the checked cells only.
Every other code cell carries the `nbval-ignore-output` tag, so plain `pytest --nbval`
and `--nbval-lax` agree on what is checked.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from textwrap import dedent

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textrnn_lessons.models import APPROACHES  # noqa: E402 (plain data, no TensorFlow)

NOTEBOOKS = REPO / "notebooks"
CHECK = "# NBVAL_CHECK_OUTPUT"
IGNORE_TAG = "nbval-ignore-output"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

PRESET_LINE = ('PRESET = None  # None: $TEXTRNN_LESSONS_PRESET, else "workshop". '
               'Or write "smoke", "workshop" or "full".')


def md(text: str) -> tuple[str, str]:
    return "markdown", dedent(text).strip()


def code(text: str) -> tuple[str, str]:
    return "code", dedent(text).strip()


def checked(text: str) -> tuple[str, str]:
    return "code", CHECK + "\n" + dedent(text).strip()


def spec(approach) -> str:
    """'max tokens 25, embedding length 30, RNN units 50' for titles (from the approach record)."""
    units = ", ".join(map(str, approach.units))
    kind = "bidirectional " if approach.bidirectional else ""
    return (f"max tokens {approach.max_tokens}, embedding length {approach.embed_len}, "
            f"{kind}RNN units {units}")


A1, A2, A3, A4, A5 = APPROACHES


# --- the approach notebooks: one record of prose per approach ----------------------------------

APPROACH_LESSONS = {
    1: dict(
        stem="02_single_rnn_25_tokens",
        title="One recurrent layer reading 25 tokens",
        intro=f"""
            Our first network is the smallest one that can read a sequence: an **embedding layer**
            that turns token indexes into vectors, one **recurrent layer** that reads those vectors
            in order, and a **dense layer** that turns what it read into four topic probabilities.
            It reads only the first {A1.max_tokens} tokens of each article.

            This notebook explains every step in detail; notebooks 03-06 repeat the same steps more
            briefly, so it is worth taking your time here.""",
        truncate=f"""
            Articles longer than {A1.max_tokens} tokens lose everything after that token; shorter
            ones get zeros after their last word. The cell below does both for all three splits at
            once, says how much of the training text survives (lesson 01 has the full picture), and
            shows one article as the network will receive it.""",
        network="""
            The network has three layers, built from the approach record by `build_model`:

            - **Embedding**: a table with one row per vocabulary entry and *embedding length*
              columns. For every token index it looks up that row, so an article of *max tokens*
              indexes becomes a *max tokens* × *embedding length* grid of numbers. The rows start
              random and are learned: words used in similar ways end up with similar rows.
            - **SimpleRNN**: reads the grid one token at a time, left to right. It keeps a *state*,
              a list of *units* numbers that summarises what it has read so far. At each step it mixes
              the current token's vector with the previous state into a new state:
              `state = tanh(W · token + U · state + b)`. After the last step the state is the layer's
              output, a summary of the whole sequence. Padding zeros are read like any other token
              (index 0 has its own embedding row), so for a short article the last steps are padding.
            - **Dense** with softmax: turns the summary into four positive numbers that add up to 1,
              the probability of each topic.

            `model.summary()` lists the layers with their output shapes (`None` stands for the batch
            size, which can be anything) and their parameter counts.""",
        params="""
            None of the parameter counts is magic:

            - **Embedding**: one row of *embedding length* numbers per vocabulary entry, so
              vocabulary size × embedding length. It is by far the biggest layer, and it grows with
              the vocabulary.
            - **SimpleRNN** with *u* units reading *i* numbers per step: an input matrix (*i* × *u*),
              a recurrent matrix (*u* × *u*) that carries the old state into the new one, and *u*
              biases: *u* × (*i* + *u* + 1). The same weights are used at every step, so the count
              does not depend on how many tokens the layer reads.
            - **Dense**: each of the four outputs has one weight per input plus a bias.

            The table works out each count by hand and puts Keras's own count beside it.""",
        compile="""
            Compiling tells Keras how to learn:

            - **optimizer** RMSprop, as in the tutorial: gradient descent that scales each weight's
              step by the recent size of its gradients, so rarely updated weights (like the embedding
              rows of rare words) still move;
            - **loss** sparse categorical cross-entropy: minus the log of the probability the model
              gave to the true topic, so a confident wrong answer costs a lot. *Sparse* because our
              labels are plain integers 0-3, not one-hot vectors;
            - **metric** accuracy, the share of articles whose most probable topic is the true one.""",
        train="""
            `train` calls Keras's `fit`: it goes through the training articles in batches (the batch
            size comes from the preset), and after each batch nudges every weight to lower the loss.
            One pass over all training articles is an **epoch**. The progress bar shows the running
            loss and accuracy; after each epoch Keras also measures them on the validation articles
            (`val_loss`, `val_accuracy`).

            **Protocol fix 2: validation is not the test set.** The tutorial passed its test set to
            `fit` as validation data. Keras does not learn from validation data, so no test article
            was trained on directly, but every number printed during training was a test score, and
            any choice made while watching them (how many epochs, which design looks best) was tuned
            on the test set. A test set that has guided decisions is no longer an independent check,
            and its score tends to flatter the model. Here the validation articles are a held-out
            slice of the training file, and the test set is used once, in the evaluation below.""",
        curves="""
            Left, the loss (lower is better); right, the accuracy. The training figures are averaged
            over the epoch while the weights were still changing; the validation figures are measured
            at the end of each epoch. If training keeps improving while validation stalls or gets
            worse, the network has started to memorise its training articles (**overfitting**). With
            the smoke preset there is a single epoch, so you see single points rather than curves.""",
        evaluate="""
            Now, once, the test set. `evaluate` predicts every test article and compares the most
            probable topic with the true one:

            - **accuracy**: the share of test articles classified correctly;
            - **classification report**, per topic: *precision* (of the articles the model called
              Sports, how many really were Sports), *recall* (of the real Sports articles, how many it
              found), *f1-score* (a balance of the two) and *support* (how many test articles have that
              topic);
            - **confusion matrix**: rows are true topics, columns predicted topics; the diagonal
              counts the correct answers.""",
        confusion="""
            The plot divides each row of the confusion matrix by its total, so each row adds up to 1:
            the diagonal is each topic's recall, and the off-diagonal cells show which topics are
            mistaken for which. Business and Sci/Tech share a lot of vocabulary (companies, products,
            markets), so watch that pair.""",
        look_for=f"""
            This is the baseline the other approaches are measured against. It saw only the first
            {A1.max_tokens} tokens of each article, so for most articles the headline and the start
            of the description, which is often enough to tell the topic. `log_run` added the run to
            your results log, and notebook 07 will put it beside the others.""",
        lime="""
            Accuracy tells you how often the model is right, not *why* it answers what it does. LIME
            (Local Interpretable Model-agnostic Explanations) looks at one article at a time. It makes
            many copies of the text with random words removed, asks the predictor for each copy's
            probabilities (all copies in one batch), and fits a small linear model that predicts the
            network's output from which words were present. That linear model's weights are the word
            scores: positive means the word pushed the probability of the topic up, negative down.

            We explain the same test article in every approach notebook, picked with a fixed random
            seed as the tutorial did, so you can compare what different networks pay attention to.
            The number of copies comes from the preset; the tutorial used LIME's default.""",
    ),
    2: dict(
        stem="03_single_rnn_50_tokens",
        title="One recurrent layer reading 50 tokens",
        intro=f"""
            Approach 2 is approach 1 with a single change: each article is cut at
            {A2.max_tokens} tokens instead of {A1.max_tokens}. Lesson 01 showed that the shorter
            window keeps few articles whole and the longer one keeps most of them. Does the extra
            text help?

            The steps are the same as in notebook 02, which explains each one in detail.""",
        truncate=f"""
            This time the rows are {A2.max_tokens} indexes long. Compare the share of articles that
            fit whole with notebook 02: far more rows now end with padding zeros instead of being
            cut.""",
        network="""
            Exactly the network of approach 1. Only the input is longer, which you can see in the
            embedding layer's output shape.""",
        params="""
            Compare with notebook 02: the counts are identical. A recurrent layer applies the same
            weights at every step, so reading more tokens means more steps (more computation, slower
            training), not more weights.""",
        compile="Same settings as before: RMSprop, sparse categorical cross-entropy, accuracy.",
        train="""
            Same training settings, validated on the held-out slice of the training file (not the
            test set; notebook 02 explains why). Each epoch takes longer than in approach 1: every
            article is now twice as many steps.""",
        curves="As before: watch whether validation follows training or starts to drift away from it.",
        evaluate="The test set, once: accuracy, per-topic report, confusion matrix.",
        confusion="Each row sums to 1; the diagonal is each topic's recall.",
        look_for="""
            Compare this run with approach 1 (notebook 07 does it for you). More of each article is
            visible now, but more is not automatically better for a SimpleRNN: its final state mostly
            reflects the last tokens it read, and for articles shorter than the window those are
            padding, so what the layer learned from the words has to survive every padding step.
            Longer sequences are also harder to train, and with small data and few epochs single runs
            vary a lot from seed to seed; notebook 07 measures how much.""",
        lime="""
            The same article as in notebook 02. The network now reads further into it, so words near
            the end of the description may start to matter.""",
    ),
    3: dict(
        stem="04_bidirectional_rnn",
        title="One bidirectional recurrent layer",
        intro=f"""
            Approach 3 keeps {A3.max_tokens} tokens and a single recurrent layer, but makes the layer
            **bidirectional**: one SimpleRNN reads the article left to right, a second one with its
            own weights reads it right to left, and their two final states are joined side by side.

            Why might that help? The layer sees every word with context from both sides. And think of
            the padding: with the zeros after the text, the forward reader ends its pass on a run of
            padding, while the backward reader starts on the padding and ends on the first words of
            the article, the headline, which often names the topic outright. Its summary ends on the
            most informative part of the text. These are reasons to expect a gain, not a promise:
            check them against your results.

            The steps are the same as in notebook 02, which explains each one in detail.""",
        truncate=f"The same {A3.max_tokens}-token rows as approach 2.",
        network="""
            `Bidirectional(SimpleRNN(...))` wraps the recurrent layer: Keras makes a second copy that
            reads the sequence backwards and concatenates the two outputs. The output is therefore
            twice as wide as the number of units.""",
        params="""
            A bidirectional layer holds two complete recurrent layers, so its count is twice that of
            approach 2's SimpleRNN. Its output is twice as wide, which also doubles the dense layer's
            input weights. The embedding, which dominates the total, is unchanged.""",
        compile="Same settings as before: RMSprop, sparse categorical cross-entropy, accuracy.",
        train="""
            Same training settings, validated on the held-out slice of the training file. Each step
            now runs two recurrent layers, so an epoch takes longer than in approach 2.""",
        curves="As before: watch whether validation follows training or starts to drift away from it.",
        evaluate="The test set, once: accuracy, per-topic report, confusion matrix.",
        confusion="Each row sums to 1; the diagonal is each topic's recall.",
        look_for="""
            Compare with approach 2: same text, same vocabulary, same training; only the reading
            direction changed. Notebook 07 puts your difference beside the tutorial's.""",
        lime="""
            The same article again. Does the bidirectional network lean on different words, perhaps
            more on the headline?""",
    ),
    4: dict(
        stem="05_stacked_rnn",
        title="Three stacked recurrent layers",
        intro=f"""
            Approach 4 stacks three SimpleRNN layers, with {', '.join(map(str, A4.units[:-1]))} and
            {A4.units[-1]} units. The lower layers pass on their whole sequence of states, one per
            token, so each upper layer reads a sequence of summaries instead of words, and only the top
            layer hands a single final state to the dense layer. In principle, more layers can learn
            more abstract patterns.

            The steps are the same as in notebook 02, which explains each one in detail.""",
        truncate=f"The same {A4.max_tokens}-token rows as approach 2.",
        network="""
            The two lower layers are built with `return_sequences=True`: instead of only their final
            state they output the state after every token, which is the sequence the next layer reads.
            Look at the output shapes: the lower layers keep the time dimension, the top one does not.""",
        params="""
            Each layer's input width is the previous layer's number of units: the second layer reads
            the first layer's states, the third reads the second's. The formula is the same
            *u* × (*i* + *u* + 1) for each; the table fills in each layer's *i* and *u*.""",
        compile="Same settings as before: RMSprop, sparse categorical cross-entropy, accuracy.",
        train="""
            Same training settings, validated on the held-out slice of the training file. Three
            layers of recurrence make each epoch slower.""",
        curves="""
            Watch the curves closely here: deep stacks of plain RNNs are harder to train, and the
            validation curve may be bumpier than in the earlier approaches.""",
        evaluate="The test set, once: accuracy, per-topic report, confusion matrix.",
        confusion="Each row sums to 1; the diagonal is each topic's recall.",
        look_for="""
            In the tutorial, stacking made things worse, not better. A plain RNN squashes its state
            through tanh at every step, and during training the error signal has to travel back
            through every step of every layer, shrinking as it goes (*vanishing gradients*). Three
            layers make that path longer, and the few epochs we train may not be enough for the deeper
            network to catch up. Notebook 07 compares your runs with the tutorial's and discusses why.""",
        lime="""
            The same article again. Compare the top words with the single-layer networks: does the
            stack pay attention to the same clues?""",
    ),
    5: dict(
        stem="06_stacked_bidirectional_rnn",
        title="Three stacked bidirectional layers",
        intro="""
            Approach 5 is the stack of approach 4 with every layer made bidirectional. Each layer
            passes both its forward and its backward states, side by side, to the layer above. It is
            the largest and slowest of the five networks.

            The steps are the same as in notebook 02, which explains each one in detail.""",
        truncate=f"The same {A5.max_tokens}-token rows as approach 2.",
        network="""
            Each of the three SimpleRNN layers is wrapped in `Bidirectional`. The lower two return
            sequences, now twice as wide because forward and backward states are joined.""",
        params="""
            Every recurrent layer is doubled (two directions), and each reads twice the previous
            layer's units per step, because the previous layer's output joins both directions. The
            table shows the effect layer by layer.""",
        compile="Same settings as before: RMSprop, sparse categorical cross-entropy, accuracy.",
        train="""
            Same training settings, validated on the held-out slice of the training file. This is
            the slowest network of the five; the progress bar shows how long each epoch takes.""",
        curves="As before: watch whether validation follows training or starts to drift away from it.",
        evaluate="The test set, once: accuracy, per-topic report, confusion matrix.",
        confusion="Each row sums to 1; the diagonal is each topic's recall.",
        look_for="""
            Two comparisons are worth making. Against approach 4 (the same stack, forward only): does
            reading in both directions rescue the stack? Against approach 3 (one bidirectional layer):
            do the extra layers add anything, given how much slower they are? Notebook 07 puts all
            five side by side.""",
        lime="""
            The same article one last time. Compare the top words across notebooks 02-06: which words
            do all five networks agree on?""",
    ),
}

HEADLINES = [
    "Striker scores twice as the champions win the derby",
    "Central bank raises interest rates to cool inflation",
    "New smartphone chip promises longer battery life",
    "Leaders meet at summit to discuss a ceasefire",
]


HEADLINE_LINES = "\n            ".join(f"    \"{h}\"," for h in HEADLINES)


def approach_notebook(approach) -> list[tuple[str, str]]:
    """The cells of one approach notebook (02-06): the shared steps with this approach's prose."""
    n = approach.number
    p = {k: dedent(v).strip() if isinstance(v, str) else v for k, v in APPROACH_LESSONS[n].items()}
    number = p["stem"][:2]
    title = (f"# {number} · Approach {n}: {p['title']}\n\n*{spec(approach)}*\n\n{p['intro']}\n\n"
             "**In this notebook:** load and vectorize the data, truncate and pad, define the network "
             "and count its parameters, compile, train, plot the curves, evaluate on the test set, "
             "predict new text, explain one prediction with LIME, and try variations with the "
             "approach controls.")
    cells = [
        ("markdown", title),
        code(f"""
            from textrnn_lessons import (ApproachPanel, TextPredictor, build_model, build_vectorizer,
                                         compile_model, explain_prediction, get_approach,
                                         lesson_example, load_ag_news, plot_history, set_seed, train,
                                         vectorize_splits, vocabulary_size)
            from textrnn_lessons.evaluation import evaluate, plot_confusion_matrix
            from textrnn_lessons.lesson import log_run, parameter_breakdown, window_summary{', seed_comparison, shared_top_words' if n == 1 else ''}

            approach = get_approach({n})
            print(approach.label)
            print(f"max tokens {{approach.max_tokens}}, embedding length {{approach.embed_len}}, "
                  f"RNN units per layer {{list(approach.units)}}, bidirectional: {{approach.bidirectional}}")"""),
        md("""
            ## Load the data and fit the vocabulary

            As in lesson 01: the articles of the current preset, and a vocabulary fitted on the
            **training** articles only (test-only words become `[UNK]`). Each notebook does this
            itself, so you can run the approach notebooks in any order."""),
        code(f"""
            {PRESET_LINE}
            data = load_ag_news(PRESET)
            print(data.describe())"""),
        code("""
            vectorizer = build_vectorizer(data.train.texts)
            print(f"Vocabulary fitted on the {len(data.train):,} training articles: "
                  f"{vocabulary_size(vectorizer):,} entries (padding and [UNK] included).")"""),
        md(f"## Truncate and pad at {approach.max_tokens} tokens\n\n" + p["truncate"]),
        code("""
            arrays = vectorize_splits(vectorizer, data, approach.max_tokens)
            print(f"train {arrays.train.shape}, validation {arrays.validation.shape}, "
                  f"test {arrays.test.shape}")
            print(window_summary(data.train.texts, approach.max_tokens))
            print("The first training article as the network sees it:")
            print(arrays.train[0])"""),
        md("## Define the network\n\n" + p["network"]),
        code("""
            set_seed(42)  # the same starting weights every time you run the notebook
            model = build_model(approach, vocabulary_size(vectorizer))
            model.summary()"""),
        md("### Where the parameter count comes from\n\n" + p["params"]),
        code("""
            breakdown = parameter_breakdown(model)
            share = breakdown.loc["embedding", "parameters"] / breakdown.loc["total", "parameters"]
            print(f"{breakdown.loc['total', 'parameters']:,} parameters, "
                  f"{share:.1%} of them in the embedding table.")
            breakdown"""),
        md("## Compile the network\n\n" + p["compile"]),
        code("""
            compile_model(model, optimizer="rmsprop")
            print(f"optimizer {type(model.optimizer).__name__} "
                  f"(learning rate {float(model.optimizer.learning_rate):g}), loss {model.loss}")"""),
        md("## Train the network\n\n" + p["train"]),
        code("""
            history = train(model, arrays.train, data.train.labels,
                            arrays.validation, data.validation.labels,
                            epochs=data.preset.epochs, batch_size=data.preset.batch_size)
            print(f"Trained for {len(history.epoch)} epoch(s) in {history.train_seconds:.1f} s.")"""),
        md("### Training curves\n\n" + p["curves"]),
        code("plot_history(history, title=approach.label);"),
        md("## Evaluate on the test set\n\n" + p["evaluate"]),
        code("""
            evaluation = evaluate(model, arrays.test, data.test.labels, data.class_names)
            print(evaluation.summary())"""),
        md("### The normalized confusion matrix\n\n" + p["confusion"]),
        code("plot_confusion_matrix(evaluation, title=approach.label);"),
        md("""
            ### Log the run

            `log_run` appends this run to your results log (approach, preset, data sizes, epochs,
            accuracy, time) and prints it beside the tutorial's published figure."""),
        code("record = log_run(approach, data, history, evaluation)"),
        md("### What to look for\n\n" + p["look_for"]),
        md("""
            ## Predict new text

            `TextPredictor` puts the fitted vectorizer and the trained model behind one call: raw
            strings in, four probabilities out. Try your own headlines."""),
        code(f"""
            predictor = TextPredictor(vectorizer, model, approach.max_tokens, data.class_names)
            headlines = [
            {HEADLINE_LINES}
            ]
            for headline in headlines:
                topic, probability = predictor.predict_topic(headline)
                print(f"{{topic:>9}} ({{probability:.0%}})  {{headline}}")"""),
        md("## Explain one prediction with LIME\n\n" + p["lime"]),
        code("""
            text, label = lesson_example(data)
            print(f"True topic: {data.class_names[label]}\\n\\n{text}")"""),
        code("""
            explanation = explain_prediction(predictor, text, true_label=label,
                                             num_samples=data.preset.lime_samples)
            print(explanation.table())"""),
        md("""
            LIME's own view: the probabilities, the words with their weights, and the text with those
            words highlighted (it needs JavaScript, so it shows in JupyterLab but not on GitHub; the
            table above shows the same weights anywhere)."""),
        code("explanation.show()"),
    ]
    if n == 1:
        cells += [
            md("""
                ### What LIME can and cannot tell you

                - **It is local.** It describes how the network behaves around *this* article, not
                  how it works in general. Another article can rely on quite different words.
                - **It is built on damaged text.** The copies with words removed are unlike real
                  articles, and the network's answers on them need not reflect how it reads natural
                  text. Our network also reads only the first *max tokens* tokens, so a word beyond
                  that limit can only matter in copies where enough earlier words were removed; the
                  table marks such words, and words missing from the vocabulary.
                - **It is a random sample.** The copies are random, so the weights carry sampling
                  noise. The line *local fit R^2* says how well the linear model imitates the
                  network around this article; a low value means the word scores are a rough
                  summary at best.

                To see the noise, explain the same prediction again with another `random_state` and
                put the two side by side. Words that keep their place near the top are trustworthy;
                small weights that change sign or vanish are noise. More samples (`num_samples`)
                make the two agree more closely, at the cost of time."""),
            code("""
                other_seed = explain_prediction(predictor, text, true_label=label,
                                                num_samples=data.preset.lime_samples, random_state=1)
                print(f"{shared_top_words(explanation, other_seed, top=5)} of the top 5 words are the "
                      "same with both seeds.")
                seed_comparison(explanation, other_seed)"""),
        ]
    cells += [
        md(f"""
            ## Try it yourself

            The panel below trains approach {n} again, or any variation you design, without writing
            code. Change a setting (max tokens, embedding length, layers and units, bidirectional,
            RNN cell, optimizer, learning rate, epochs, batch size, preset), press **Train**, and the
            curves update after every epoch; **Stop** ends a run early and leaves the panel ready.
            A design that cannot work is refused with a message that says why. Finished runs go into
            your results log, so notebook 07 can compare them."""),
        code(f"ApproachPanel(approach={n})"),
        md(_next_step(n)),
    ]
    return cells


def _next_step(n: int) -> str:
    if n < len(APPROACHES):
        following = APPROACH_LESSONS[n + 1]
        return (f"## Next\n\nOpen **{following['stem']}**: approach {n + 1}, "
                f"{following['title'][0].lower() + following['title'][1:]}.")
    return "## Next\n\nOpen **07_results_and_next_steps** to compare all five approaches."


# --- 00, 01 and 07 -----------------------------------------------------------------------------

def lesson_list() -> str:
    rows = ["| Notebook | What happens |", "| --- | --- |",
            "| `00_start_here` | this page: what you will build, presets, a check of your set-up |",
            "| `01_prepare_data` | load AG News, look at it, turn words into indexes, choose how "
            "many tokens to read |"]
    for approach in APPROACHES:
        lesson = APPROACH_LESSONS[approach.number]
        rows.append(f"| `{lesson['stem']}` | approach {approach.number}: {lesson['title'].lower()} "
                    f"({spec(approach)}) |")
    rows.append("| `07_results_and_next_steps` | your five runs beside the tutorial's, what the "
                "differences mean, and experiments to try next |")
    return "\n".join(rows)


START_HERE = [
    md("""
        # Start here: sorting news with recurrent neural networks

        In these lessons you will build programs that read a news article and decide which of four
        topics it belongs to: **World**, **Sports**, **Business** or **Sci/Tech**. The articles come
        from AG News, a well-known collection of real news snippets (a headline and a sentence or
        two). The programs are **recurrent neural networks** (RNNs), written with Keras, the
        deep-learning library that ships with TensorFlow.

        The lessons follow a published Keras tutorial (*Keras: RNNs For Text Classification Tasks*,
        CoderzColumn) section by section, so you can compare your results with its table. They use
        today's Keras 3, and they fix two places where the original let its test set influence the
        model; lessons 01 and 02 explain both.

        ## What you will build

        - a text pipeline that turns raw articles into rows of numbers a network can read;
        - five RNN designs, from one small recurrent layer to a stack of bidirectional ones, each
          trained and tested;
        - a predictor that takes any text you type and returns the probability of each topic;
        - explanations of single predictions with LIME: which words pushed the network to its answer.

        ## What you will learn

        - vocabularies, tokens, indexes, padding and truncation, and what an embedding layer does;
        - how a recurrent layer reads a sequence one step at a time, and what *bidirectional* and
          *stacked* layers change;
        - where every parameter of a network comes from;
        - how to train and test honestly: a vocabulary that never saw the test set, and validation
          data that is not the test set;
        - how to read training curves, a classification report and a confusion matrix;
        - what a LIME explanation can tell you, and what it cannot."""),
    md("## How the lessons are organised\n\n" + lesson_list() + "\n\n" + dedent("""
        Every notebook starts from scratch: it loads the data and builds what it needs, so after
        `01_prepare_data` you can open the others in any order. Each code cell does one step and
        calls one helper from the `textrnn_lessons` package whose name says what the step is
        (`load_ag_news`, `build_model`, `train`, `evaluate`, ...). To see how a helper works, run a
        cell with its name followed by `?` (for example `train?`) to read its description, or `??` to
        read its code; each description names the lesson that introduces the helper.""").strip()),
    code("""
        from textrnn_lessons import get_preset, results_path
        from textrnn_lessons.checks import run_checks
        from textrnn_lessons.lesson import preset_table"""),
    md("""
        ## Presets: how much data and training

        Training on all of AG News takes a while on a laptop, so every notebook runs in one of three
        **presets**:"""),
    code("preset_table()"),
    md("""
        - `smoke` only checks that everything runs: it trains on a few hundred articles for one
          epoch, so its accuracies mean nothing.
        - `workshop` gives real results in a few minutes per approach.
        - `full` repeats the tutorial's protocol on all the data; it is slow on a laptop.

        A notebook uses the preset named by the environment variable `TEXTRNN_LESSONS_PRESET`, or
        `workshop` if it is not set. To switch:

        1. before starting JupyterLab, in the terminal: `export TEXTRNN_LESSONS_PRESET=smoke`
           (Windows: `set TEXTRNN_LESSONS_PRESET=smoke`);
        2. for one notebook: make its first cell `%env TEXTRNN_LESSONS_PRESET=smoke` and run it before
           the others;
        3. in the code: every lesson has a line `PRESET = None` just before it loads the data; write
           `PRESET = "smoke"` there instead."""),
    code("""
        preset = get_preset()
        print(f"This session uses the {preset.name!r} preset: {preset.description}.")"""),
    md("""
        ## Where the data comes from

        The lessons read two files, `train.csv` and `test.csv`. If the environment variable
        `TEXTRNN_LESSONS_DATA` names a folder (your instructor may hand one out), they are read from
        there. Otherwise they are downloaded once, checked against their published checksums, and
        kept in your user cache folder; `textrnn-lessons download` in a terminal does that ahead of
        time.

        ## Check your set-up

        The next cell checks, one line each: the libraries and their versions, that ipywidgets can
        draw controls in JupyterLab, the data files, memory, and finally a real (tiny) training run.
        It ends with a verdict. A line that says FAIL also says what to do: do it, then run the cell
        again. In a terminal, `textrnn-lessons check` runs the same checks."""),
    code("ready = run_checks(get_preset())"),
    md("""
        ## Your results log

        Whenever a lesson trains a network, it appends one line to your results log: which approach,
        which preset and data sizes, how many epochs, the test accuracy, and how long it took.
        Notebook 07 reads the log to put your runs beside the tutorial's."""),
    code('print(f"Your runs are logged in {results_path()}")'),
    md("""
        ## Next

        Open **01_prepare_data**."""),
]


PREPARE_DATA = [
    md("""
        # 01 · Prepare the data

        Neural networks compute with numbers, not words. This lesson takes AG News from text files
        to rows of integers a network can read:

        1. load the articles and look at them;
        2. build a vocabulary and turn each article into token indexes;
        3. decide how many tokens of each article the networks will read.

        The third step is where the tutorial's first two approaches differ, so it gets a plot."""),
    code("""
        import numpy as np

        from textrnn_lessons import build_vectorizer, load_ag_news, vocabulary_size, worked_example
        from textrnn_lessons.vectorizer import vectorize
        from textrnn_lessons.lesson import (TOY_SENTENCE, class_balance, count_tokens, plot_token_lengths,
                                            sample_articles, show_vocabulary, token_coverage, toy_vectorizer,
                                            unseen_test_words)"""),
    md("""
        ## 1.1 Load AG News

        Each row of AG News holds a topic label, a title and a short description. `load_ag_news`
        joins title and description into one text, numbers the topics from 0 (as Keras expects),
        and splits the articles three ways:

        - **training** articles, which the networks learn from;
        - **validation** articles, a slice held back from the training file, used to watch how
          training is going;
        - **test** articles, from the separate test file, used once at the end to measure a finished
          network."""),
    code(f"""
        {PRESET_LINE}
        data = load_ag_news(PRESET)
        print(data.describe())"""),
    md("""
        Are the four topics equally common? If one topic dominated, a network could score well by
        always guessing it, and accuracy would mislead us."""),
    code("class_balance(data)"),
    md("""
        AG News is balanced by design, and when a preset takes a subset it keeps that balance (a
        *stratified* sample). A few training articles, one per topic:"""),
    code("sample_articles(data.train, data.class_names)"),
    md("""
        ## 1.2 From words to indexes

        Turning text into numbers takes three steps:

        1. **tokenize**: lower-case the text, turn punctuation into spaces, and split it into words
           (tokens);
        2. **index**: look each token up in a **vocabulary**, a table that gives every known word
           its own integer;
        3. **embed**: inside the network, an embedding layer swaps each integer for a list of
           learned numbers (a vector). That happens in lesson 02.

        Keras does steps 1 and 2 with its `TextVectorization` layer. (The tutorial used the old
        `Tokenizer` class, which Keras 3 no longer has; `TextVectorization` does the same job, runs
        inside TensorFlow, and can even sit inside a model. We give it the Tokenizer's rule for
        punctuation, a space, so `oil-price` is two words; by default it would delete punctuation
        and make one rare word, `oilprice`.) Two indexes are reserved: index 0 means
        *padding* (no word here) and index 1 stands for every word that is not in the vocabulary,
        written `[UNK]`.

        `build_vectorizer` reads the **training** articles and gives every distinct word an index,
        the most frequent words first:"""),
    code("""
        vectorizer = build_vectorizer(data.train.texts)
        print(f"Vocabulary: {vocabulary_size(vectorizer):,} entries (padding and [UNK] included)\\n")
        print(show_vocabulary(vectorizer))"""),
    md("""
        Short, common words come first. The odd pair `39` and `s` comes from the raw files, which
        store an apostrophe as an HTML code (`the company #39;s`): splitting at the punctuation
        leaves the digits and the letter behind as words of their own. Real data is rarely
        perfectly clean.

        A vocabulary that size is hard to follow by eye, so here is the same machinery with a
        hand-written vocabulary of a handful of words. Watch one sentence become indexes:"""),
    checked("""
        toy = toy_vectorizer()
        print(show_vocabulary(toy))
        print()
        print(worked_example(toy, TOY_SENTENCE).table())"""),
    md("""
        Each known word became its index; the words the toy vocabulary lacks all became `[UNK]`.
        The network cannot tell them apart: whatever it learns about `[UNK]` applies to every
        unknown word. The same sentence with the real vocabulary:"""),
    code("print(worked_example(vectorizer, TOY_SENTENCE).table())"),
    md("""
        ### Protocol fix 1: the vocabulary sees only training text

        The tutorial fitted its tokenizer on the training **and** the test articles. That lets the
        test set shape the model: every word that appears only in test articles got its own index
        and its own row in the embedding table. A fair test measures how a model copes with text it
        has never seen, new words included. So here the vocabulary is fitted on the training
        articles alone, and words that only the test articles use become `[UNK]`, exactly as new
        words will once the model is in use.

        How many words is that? Count the test words the training articles never use:"""),
    code("print(unseen_test_words(data).summary())"),
    md("""
        In the tutorial's set-up those words had embedding rows that training never touched (no
        training article contains them), so the rows kept their random starting values: the network
        saw noise for those words, not anything it had learned. With a training-only vocabulary they
        map to `[UNK]`, whose vector *is* trained. So the fix is not mainly about accuracy; it keeps
        the test set out of every decision about the model, which is what makes a test score worth
        trusting."""),
    md(f"""
        ## 1.3 How many tokens should a network read?

        An RNN reads its input one token at a time, and all rows of a batch must have the same
        length. So every article is cut or filled to a fixed number of tokens, **max tokens**:

        - longer articles are **truncated**: the tokens after the limit are dropped;
        - shorter ones are **padded**: zeros are added after the last word.

        Both happen at the end of the article ("post"), as in the tutorial. Approach 1 reads
        {A1.max_tokens} tokens; approaches 2-5 read {A2.max_tokens}. How much of an article is that?"""),
    code(f"""
        lengths = count_tokens(data.train.texts)
        print(f"Training articles have {{lengths.mean():.1f}} tokens on average "
              f"(median {{np.median(lengths):.0f}}, shortest {{lengths.min()}}, longest {{lengths.max()}}).")
        plot_token_lengths(lengths, cutoffs=({A1.max_tokens}, {A2.max_tokens}));"""),
    code(f"token_coverage(lengths, cutoffs=({A1.max_tokens}, {A2.max_tokens}))"),
    md("""
        How to read the table: *articles kept whole* is the share of articles that fit entirely in
        the window; the others lose their end. *Tokens kept* is the share of all words that survive
        the cut. *Padding per row* is how much of an average row is zeros.

        The longer window lets a network see far more of each article, which is why you might
        expect approach 2 to beat approach 1. The price: twice the steps per article (slower
        training) and, for short articles, a tail of padding zeros after the last word. Keep that
        padding in mind: lesson 04 uses it to explain why reading each article backwards as well
        as forwards can help, and lesson 07 asks whether your results bear that out.

        Here is one article as indexes at both lengths (zeros are padding):"""),
    code(f"""
        article = data.train.texts[0]
        print(article)
        for max_tokens in ({A1.max_tokens}, {A2.max_tokens}):
            print(f"\\nmax tokens {{max_tokens}}:")
            print(vectorize(vectorizer, [article], max_tokens)[0])"""),
    md("""
        ### Protocol fix 2, in advance: validation is not the test set

        During training Keras reports accuracy on **validation** data after every epoch, and people
        use those numbers to decide things: when to stop, which design to keep. The tutorial used the
        test set as its validation data, so the test set took part in those decisions and could no
        longer give an independent final score. These lessons hold back a slice of the training file
        for validation instead, and touch the test set only to evaluate a finished network:"""),
    code("""
        print(f"validation: {len(data.validation):,} articles held out of the training file "
              f"({data.preset.validation_fraction:.0%} of it)")
        print(f"test: {len(data.test):,} articles, used only for the final evaluation")"""),
    md(f"""
        ## Next

        Every approach notebook repeats the loading and vectorizing above in two short cells, then
        builds and trains a network. Open **{APPROACH_LESSONS[1]['stem']}**."""),
]


RESULTS = [
    md("""
        # 07 · Results and next steps

        This notebook gathers your runs of the five approaches, puts them beside the tutorial's
        published accuracies, and asks what the differences teach. Then it turns each of the
        tutorial's suggestions for further work into an experiment you can run, in code or with the
        approach controls."""),
    code("""
        import keras

        from textrnn_lessons import (ApproachPanel, ComparisonView, comparison_table, get_approach,
                                     load_ag_news, plot_history)
        from textrnn_lessons.lesson import (Experiments, key_differences, side_by_side,
                                            train_missing_approaches)"""),
    code(f"""
        {PRESET_LINE}
        data = load_ag_news(PRESET)
        print(data.describe())"""),
    md("""
        ## Your runs beside the tutorial's

        Every approach notebook logged its run. A comparison is only fair between runs on the same
        data, so the table uses the latest run of each approach with this preset and these data
        sizes. If one is missing (say you skipped a notebook), the next cell trains it now, which
        can take a few minutes in the workshop preset."""),
    code("train_missing_approaches(data);"),
    code("""
        results = side_by_side(data)
        results"""),
    md("""
        Remember what differs between the two columns. The tutorial trained on every training
        article for five epochs, validated on its test set and fitted its vocabulary on the test
        text too. Unless you ran the `full` preset, your networks saw fewer articles and fewer
        epochs, so lower accuracies are expected. The interesting part is the **ranking** and the
        **differences between approaches**: each row below compares two approaches that differ in
        one design choice, in points of accuracy."""),
    code("key_differences(results)"),
    md("""
        The comparison view shows every run in your log, from any preset, in one table and one
        chart next to the tutorial's figures. Press *Refresh* after training more runs."""),
    code("ComparisonView()"),
    code("comparison_table().head(10)"),
    md("""
        ## What to take from the differences

        **First, how big is the noise?** A SimpleRNN trained for a few epochs on a few thousand
        articles can land in quite different places from one run to the next, even with every
        setting equal. The tutorial, too, ran each approach once: its own training log shows
        validation accuracy going up and down from epoch to epoch, and it reported whatever the last
        epoch gave. So before believing any row of the table above, compare it with the spread you
        get from changing nothing but the seed; the first experiment below measures it. A difference
        smaller than that spread tells you nothing.

        With that in mind, here are the usual explanations for the tutorial's pattern. Treat them as
        hypotheses to check against your own numbers, not as facts.

        **Reading more of the article.** The longer window shows most articles whole (lesson 01's
        table), so approach 2 has more evidence than approach 1. But more is not automatically
        better for a SimpleRNN. Its final state mostly reflects the last things it read, and for
        articles shorter than the window those are padding zeros, so whatever it learned from the
        words must survive every padding step. Longer sequences are also harder to train. Did the
        longer window help in your runs?

        **Why the bidirectional layer helped.** A bidirectional layer reads the article twice, once
        in each direction, and hands both final states to the dense layer. With the padding after
        the text, the forward reader finishes on a run of zeros, but the backward reader finishes on
        the first words, the headline, which often names the topic. The network gets a summary that
        ends on the most informative part of the text, plus a second, different view of the rest.

        **Why stacking plain RNNs hurt.** A SimpleRNN squashes its state through `tanh` at every
        step. While training, the error signal travels back through every step of every layer and
        shrinks on the way (*vanishing gradients*), so in a stack of three the early words get very
        little signal. The stack also has more weights to fit in the same few epochs.

        **Why the bidirectional stack recovered.** Each backward reader ends on the headline, so
        every layer of the stack gets a short path to the most useful words, and the vanishing
        signal matters less. Whether the extra layers add anything beyond a single bidirectional
        layer is a question of cost: compare the two rows and their training times."""),
    md("""
        ## Next steps: the tutorial's suggestions as experiments

        The tutorial ended with a list of things to try. Each cell below tries one, starting from
        approach 2 (one SimpleRNN layer reading 50 tokens, quick to train) and changing one thing.
        All runs use this notebook's data and are added to your results log (as custom designs, so
        they never replace your runs of the five approaches above).

        First the yardstick: the baseline three times, changing only the seed. In the `smoke`
        preset every accuracy is meaningless; use `workshop` or `full` for conclusions."""),
    code("""
        lab = Experiments(data)
        base = get_approach(2)
        noise = lab.repeat("baseline: approach 2", base, seeds=(42, 7, 123))"""),
    md("""
        Every experiment below runs once, with seed 42, and is compared with the first baseline run.
        Hold each difference up against the spread you just measured; to check one, rerun its cell
        with another `seed=`."""),
    md("""
        ### More (or fewer) tokens

        Lesson 01 showed how much text each window keeps. Approach 1 read fewer tokens; try more.
        More tokens means more steps, so training slows down, and short articles get an even longer
        tail of padding."""),
    code('lab.run("max tokens 100", base.with_changes(max_tokens=100));'),
    md("""
        ### Skipping the padding

        The explanations above blame the padding: a forward reader ends its pass on a run of zeros.
        Test that directly. With `mask_padding=True` the embedding layer marks index 0 as padding
        (Keras's `mask_zero=True`), and the recurrent layer keeps its state unchanged on those
        steps, so its summary ends on the last real word. Nothing else changes: the same layers, the
        same number of weights, the same data. If the padding explanation is right, this should help approach 2 clearly. It costs
        some speed, because every step now also checks the mask."""),
    code('lab.run("padding masked", base.with_changes(mask_padding=True));'),
    md("""
        ### A different embedding length

        Each word's vector has *embedding length* numbers. Longer vectors can hold more about each
        word, but they add parameters to the biggest layer and need more data to learn."""),
    code('lab.run("embedding length 64", base.with_changes(embed_len=64));'),
    md("""
        ### More recurrent units

        The units are the size of the RNN's state, its memory of what it has read so far."""),
    code('lab.run("100 RNN units", base.with_changes(units=[100]));'),
    md("""
        ### More epochs

        The presets train for only a few epochs. Train twice as long and look at the curves: does
        validation keep improving, or does it turn while training still improves (overfitting)?"""),
    code("""
        longer = lab.run("twice the epochs", base, epochs=2 * data.preset.epochs)
        plot_history(longer.history, title="Approach 2, twice the epochs");"""),
    md("""
        ### Adam instead of RMSprop

        Adam is RMSprop plus momentum: it also remembers the recent direction of each weight's
        gradient. It is the usual default today."""),
    code('lab.run("Adam optimizer", base, optimizer="adam");'),
    md("""
        ### Weight initialisation

        Keras starts each layer from carefully scaled random weights: Glorot-uniform for the input
        weights and an orthogonal matrix for the recurrent weights, which keeps the state from
        shrinking or blowing up as it is multiplied step after step. What happens with plain small
        random numbers everywhere instead? The approach's `initializer` sets the starting weights of
        the recurrent and dense layers (`textrnn_lessons.models.INITIALIZERS` lists the choices)."""),
    code('lab.run("random-normal initial weights", base.with_changes(initializer="random_normal"));'),
    md("""
        ### More or fewer layers

        Approach 2 has one recurrent layer and approach 4 three; try two. Then try the cell designed
        against the vanishing signal of plain RNNs: an LSTM, which keeps a separate memory that
        learned gates decide to keep or overwrite. The gates are extra weights to learn, so an LSTM
        often needs more epochs before it pays off; if it disappoints here, give it more epochs in
        the panel below."""),
    code('lab.run("two stacked layers", base.with_changes(units=[50, 60]));'),
    code('lab.run("LSTM cell instead of SimpleRNN", base.with_changes(cell="LSTM"));'),
    md("""
        ### A learning-rate schedule

        The optimizer's step size, the learning rate, stays fixed unless you change it. A schedule
        starts with big steps for quick progress and shrinks them so training can settle. Keras's
        `LearningRateScheduler` callback sets the rate at the start of every epoch; this one starts
        above the default rate and halves it each epoch."""),
    code("""
        halve_each_epoch = keras.callbacks.LearningRateScheduler(
            lambda epoch, rate: rate if epoch == 0 else rate / 2)
        lab.run("learning rate 0.003, halved every epoch", base, learning_rate=0.003,
                callbacks=[halve_each_epoch]);"""),
    md("""
        ### All the experiments together

        The last columns compare each experiment with the baseline run, in points of accuracy."""),
    code("lab.table()"),
    md("""
        ## The same experiments with the controls

        The panel runs the same experiments without code. It starts on approach 2: change one
        control at a time (*max tokens*, *embedding length*, *units per layer*, *epochs*,
        *optimizer*, *RNN layers*, *RNN cell*, *learning rate*), press **Train**, and compare. Weight
        initialisation and learning-rate schedules need the code cells above. The comparison view
        under the panel refreshes whenever the panel logs a run."""),
    code("""
        panel = ApproachPanel(approach=2)
        panel"""),
    code("ComparisonView(panel)"),
    md("""
        ## Where to go from here

        - **LSTM and GRU layers** carry information over long sequences much better than SimpleRNN;
          try them on the stacked approaches with the panel's *RNN cell* control.
        - **Masking the padding** in the other approaches: `get_approach(5).with_changes(
          mask_padding=True)`. In a bidirectional layer the backward reader then starts on the
          last real word instead of a run of zeros.
        - **Pretrained word vectors** (GloVe, fastText) start the embedding table from vectors
          learned on huge text collections, which helps most when training data is small.
        - **Several seeds**: rerun an experiment with a few `seed=` values and compare the spread
          with the difference you are trying to measure."""),
]


def all_notebooks() -> dict[str, list[tuple[str, str]]]:
    """notebook stem -> cells, for every lesson."""
    notebooks = {"00_start_here": START_HERE, "01_prepare_data": PREPARE_DATA}
    for approach in APPROACHES:
        notebooks[APPROACH_LESSONS[approach.number]["stem"]] = approach_notebook(approach)
    notebooks["07_results_and_next_steps"] = RESULTS
    return notebooks


def build(stem: str, cells, stored: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """A notebook with stable cell ids, no outputs, and stored outputs kept for checked cells."""
    old_outputs = {}
    if stored is not None:
        old_outputs = {c.source: c.outputs for c in stored.cells
                       if c.cell_type == "code" and c.source.startswith(CHECK)}
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for index, (kind, source) in enumerate(cells):
        cell_id = f"{stem[:2]}-{index:02d}"
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source, id=cell_id))
            continue
        cell = nbformat.v4.new_code_cell(source, id=cell_id)
        if source.startswith(CHECK):
            # nbval only compares cells that look run: give them a fixed execution count.
            cell.execution_count = sum(c.cell_type == "code" for c in nb.cells) + 1
            cell.outputs = old_outputs.get(source, [])
        else:
            cell.metadata["tags"] = [IGNORE_TAG]
        nb.cells.append(cell)
    return nb


def fill_checked(nb: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """Run the notebook in a fresh kernel (smoke preset) and keep only the checked cells' outputs."""
    from nbclient import NotebookClient

    os.environ["TEXTRNN_LESSONS_PRESET"] = "smoke"
    run = nbformat.reads(nbformat.writes(nb), as_version=4)
    NotebookClient(run, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell, ran in zip(nb.cells, run.cells):
        if cell.cell_type == "code" and cell.source.startswith(CHECK):
            cell.outputs = ran.outputs
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = cell.execution_count
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether notebooks/ is up to date")
    parser.add_argument("--fill-checked", action="store_true",
                        help="run notebooks with checked cells and store those cells' outputs")
    args = parser.parse_args(argv)
    NOTEBOOKS.mkdir(exist_ok=True)
    stale = []
    for stem, cells in all_notebooks().items():
        path = NOTEBOOKS / f"{stem}.ipynb"
        stored = nbformat.read(path, as_version=4) if path.exists() else None
        nb = build(stem, cells, stored)
        if args.fill_checked and any(c.source.startswith(CHECK) for c in nb.cells if c.cell_type == "code"):
            nb = fill_checked(nb, path)
        text = nbformat.writes(nb) + "\n"
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not args.check:
            nbformat.validate(nb)
            path.write_text(text, encoding="utf-8")
    if args.check:
        if stale:
            print(f"Out of date: {', '.join(stale)}. Run `python tools/make_notebooks.py`.")
            return 1
        print("notebooks/ matches tools/make_notebooks.py")
        return 0
    print(f"Wrote {', '.join(stale)}" if stale else "Nothing to do: notebooks/ is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
