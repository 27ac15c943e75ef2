"""Will this design fit? The memory a training run needs, estimated before it starts.

The approach panel asks before it enables Train, and `Trainer.run` before it builds the model:
a design that needs more memory than the kernel may still take (a container's limit less what
it already uses, else the machine's available memory: `textrnn_lessons.machine`) is refused
with a sentence and the largest batch size, or the longest article window, that fits. On a
2 GB Binder pod a run that does not fit kills the kernel, and the learner loses the session.

The estimate adds what training holds at its peak (32-bit floats and indexes):

- weights: every parameter, its gradient, the optimizer's slots (RMSprop one, Adam two) and
  the working copies an update makes;
- activations: what backpropagation through time keeps for each article of a batch, at every
  token, in every recurrent layer and direction: a multiple of its units that depends on the
  cell;
- steps: what TensorFlow's loop keeps at every token whatever the batch size;
- articles: the splits turned into token indexes at the design's window;
- runtime: the graphs, a base and a share per recurrent loop (a layer in one direction);

then adds MARGIN for what the model misses. The constants were fitted to peaks measured by
`benchmarks/design_memory.py` (benchmarks/README.md: the five approaches, three large custom
designs and a dozen probes, each at two batch sizes; the fit is within 0.70-1.36 of every
measured peak before the margin).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models.approaches import MIN_USEFUL_TOKENS

FLOAT = 4  # bytes
MB, GB = 2**20, 1024**3
#: Floats kept per unit, article and token, by recurrent cell (fitted: 5.1, 9.4, 10.2).
KEPT_PER_UNIT = {"SimpleRNN": 5.0, "GRU": 9.5, "LSTM": 10.0}
#: Bytes kept per unit and token whatever the batch size (fitted: 98).
KEPT_PER_STEP = 100
#: Bytes per article and token of the splits' token indexes (fitted: 12.7, about three copies).
BYTES_PER_INDEX = 12
#: Copies of every parameter besides the optimizer's slots: the weights, the gradient, and the
#: working copies of an update (measured on a 256-wide embedding: about five in all with RMSprop).
WEIGHT_COPIES = 4
#: The run's graphs: a base, and a share per recurrent loop (layer and direction) (fitted: 60, 15).
RUNTIME_BASE, RUNTIME_PER_LOOP = 60 * MB, 15 * MB
#: The fitted model is within 0.70-1.36 of the measured peaks; a refused design that would have
#: fitted costs a smaller batch, a run that does not fit costs the kernel.
MARGIN = 1.3
OPTIMIZER_SLOTS = {"rmsprop": 1, "rmsprop_keras2": 1, "adam": 2}  # the names of fitting.OPTIMIZERS
GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}
#: Heaps' law through two AG News vocabularies (the lessons' word rule): the 7,600 canonical test
#: articles hold 22,688 words (with padding and [UNK]); the tutorial's 127,600 articles 72,002.
VOCABULARY_AT, VOCABULARY_GROWTH = (7_600, 22_688), 0.41
#: The canonical AG News files' articles (a preset of "all" draws from them).
CANONICAL_ARTICLES = {"train": 120_000, "test": 7_600}
#: Batch sizes a refusal may suggest, largest first: the panel's (smaller ones train too slowly
#: to be worth suggesting).
BATCH_SIZES = (1024, 512, 256, 128, 64, 32, 16)
SMALLEST_BATCH = BATCH_SIZES[-1]


class DesignTooLarge(ValueError):
    """A design would need more memory than the kernel may take; the message says what fits."""


@dataclass(frozen=True)
class MemoryEstimate:
    """The bytes a training run needs on top of what the kernel holds, and what they are for."""

    parts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def typical_vocabulary(articles: int) -> int:
    """Words (with padding and [UNK]) a vocabulary fitted on `articles` AG News texts holds."""
    at, words = VOCABULARY_AT
    return max(1_000, round(words * (max(articles, 1) / at) ** VOCABULARY_GROWTH))


@dataclass(frozen=True)
class DataSize:
    """What the estimate needs to know of the data: its vocabulary and how many articles."""

    vocabulary: int
    articles: int  # training, validation and test, all turned into token indexes

    @classmethod
    def of(cls, data) -> DataSize:
        """From loaded splits (the vocabulary estimated from how many texts it is fitted on)."""
        articles = len(data.train) + len(data.validation) + len(data.test)
        return cls(typical_vocabulary(len(data.vocabulary_texts)), articles)

    @classmethod
    def of_preset(cls, preset) -> DataSize:
        """From a preset alone, before any data is loaded (the canonical files' sizes)."""
        pool = preset.train_size or CANONICAL_ARTICLES["train"]
        training = round(pool * (1 - preset.validation_fraction))
        test = preset.test_size or CANONICAL_ARTICLES["test"]
        return cls(typical_vocabulary(training), pool + test)


def parameters(approach, vocabulary: int) -> int:
    """The design's trainable parameters, as Keras counts them."""
    total, width = vocabulary * approach.embed_len, approach.embed_len
    directions = 2 if approach.bidirectional else 1
    for units in approach.units:
        biases = 2 if approach.cell == "GRU" else 1  # Keras's GRU keeps two biases (reset_after)
        total += directions * GATES[approach.cell] * units * (width + units + biases)
        width = directions * units
    return total + width * 4 + 4


def estimate_training_memory(
    approach, batch_size: int, data: DataSize, optimizer: str = "rmsprop"
) -> MemoryEstimate:
    """What training `approach` at `batch_size` needs at its peak (see the module docstring)."""
    slots = OPTIMIZER_SLOTS.get(str(optimizer).lower(), 2)
    directions = 2 if approach.bidirectional else 1
    units = directions * sum(approach.units)
    tokens = approach.max_tokens
    parts = {
        "weights": FLOAT * parameters(approach, data.vocabulary) * (WEIGHT_COPIES + slots),
        "activations": FLOAT * batch_size * tokens * KEPT_PER_UNIT[approach.cell] * units,
        "steps": KEPT_PER_STEP * tokens * units,
        "articles": BYTES_PER_INDEX * tokens * data.articles,
        "runtime": RUNTIME_BASE + RUNTIME_PER_LOOP * directions * len(approach.units),
    }
    return MemoryEstimate({name: round(MARGIN * value) for name, value in parts.items()})


def refusal(
    approach, batch_size: int, data: DataSize, optimizer: str = "rmsprop", available=None
) -> str | None:
    """None when the run fits in `available` bytes (default: what the kernel may still take);
    otherwise the sentence that says so, with the largest batch size or window that fits."""
    from ..machine import memory_available_bytes

    available = memory_available_bytes() if available is None else available
    if available is None:
        return None  # nothing to go on: let it try

    def need(design=approach, batch=batch_size):
        return estimate_training_memory(design, batch, data, optimizer).total

    if need() <= available:
        return None
    sentence = (
        f"This design needs about {need() / GB:.1f} GB to train at batch size {batch_size}, "
        f"but this kernel has about {available / GB:.1f} GB left, so the run would be "
        "killed part-way (and on Binder the whole session with it)."
    )
    batch = next(
        (b for b in BATCH_SIZES if SMALLEST_BATCH <= b < batch_size and need(batch=b) <= available),
        None,
    )
    if batch is not None:
        fits = need(batch=batch) / GB
        return sentence + f" The largest batch size that fits is {batch} (about {fits:.1f} GB)."
    window = next(
        (
            tokens
            for tokens in range(approach.max_tokens - 1, MIN_USEFUL_TOKENS - 1, -1)
            if need(approach.with_changes(max_tokens=tokens), SMALLEST_BATCH) <= available
        ),
        None,
    )
    if window is not None:
        return sentence + (
            f" Even batch size {SMALLEST_BATCH} does not fit; at batch size {SMALLEST_BATCH} "
            f"the longest window that fits is {window} max tokens."
        )
    return sentence + " Choose fewer or smaller recurrent layers, or a shorter embedding."


def require_fits(approach, data, batch_size=None, optimizer: str = "rmsprop") -> None:
    """Raise DesignTooLarge when training `approach` on `data` would not fit in memory."""
    batch_size = batch_size or data.preset.batch_size
    problem = refusal(approach, batch_size, DataSize.of(data), optimizer)
    if problem:
        raise DesignTooLarge(problem)
