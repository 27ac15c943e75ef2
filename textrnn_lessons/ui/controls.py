"""The approach panel's controls: a network design, and the training settings.

`DesignControls` keeps the approach dropdown and the design sliders in step (pick approach 4
and the sliders show it; change a slider and the dropdown shows which approach that is, or
Custom). Neither class trains anything: `panel.ApproachPanel` does.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import ipywidgets as w

from ..models.approaches import APPROACHES, RNN_CELLS, Approach, get_approach
from ..results.records import KERAS_DEFAULT_LEARNING_RATE
from ..settings import PRESETS, get_preset

CUSTOM = "custom"
MAX_LAYERS = 5
MAX_EPOCHS = 30
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
STYLE = {"description_width": "10em"}  # room for the longest, "Embedding length"
WIDE = w.Layout(width="38em")  # the longest option, approach 5's label, shown whole
COLUMN_WIDTH = "26em"  # every control of the design and training columns: their edges line up


def column() -> w.Layout:
    """The layout of a control in the panel's design or training column."""
    return w.Layout(width=COLUMN_WIDTH)


def parse_units(text: str) -> tuple[int, ...]:
    """'50, 60, 75' -> (50, 60, 75); a sentence saying what to type otherwise."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts or not all(re.fullmatch(r"[0-9]+", p) for p in parts):
        raise ValueError(
            f"RNN units per layer must be whole numbers separated by commas, "
            f"like 50, 60, 75; got {text.strip()!r}."
        )
    return tuple(int(p) for p in parts)


def custom_name(design: Approach) -> str:
    """A name that says what a custom design is, for the results log and the comparison."""
    layers = "layer" if len(design.units) == 1 else "layers"
    kind = f"bidirectional {design.cell}" if design.bidirectional else design.cell
    tokens = f"{design.max_tokens} token" + ("s" if design.max_tokens != 1 else "")
    return (
        f"{len(design.units)} {kind} {layers} ({', '.join(map(str, design.units))}), "
        f"{tokens}, embedding {design.embed_len}"
    )


def _slider(value: int, top: int, description: str) -> w.IntSlider:
    return w.IntSlider(
        value=value,
        min=1,
        max=top,
        description=description,
        style=STYLE,
        layout=column(),
        continuous_update=False,
    )


class DesignControls:
    """The approach dropdown and the sliders that describe a network."""

    def __init__(self):
        options = [(a.label, a.number) for a in APPROACHES] + [("Custom design", CUSTOM)]
        self.approach = w.Dropdown(
            options=options, value=1, description="Approach", style=STYLE, layout=WIDE
        )
        self.max_tokens = _slider(25, 500, "Max tokens")
        self.embed_len = _slider(30, 512, "Embedding length")
        self.layers = _slider(1, MAX_LAYERS, "RNN layers")
        self.units = w.Text(
            value="50",
            description="Units per layer",
            style=STYLE,
            layout=column(),
            placeholder="e.g. 50, 60, 75",
            continuous_update=False,
        )
        self.bidirectional = w.Checkbox(value=False, description="Bidirectional", style=STYLE)
        self.cell = w.Dropdown(
            options=RNN_CELLS,
            value="SimpleRNN",
            description="RNN cell",
            style=STYLE,
            layout=column(),
        )
        self.sliders = [
            self.max_tokens,
            self.embed_len,
            self.layers,
            self.units,
            self.bidirectional,
            self.cell,
        ]
        self._syncing = False
        self.approach.observe(self._on_approach, names="value")
        self.layers.observe(self._on_layers, names="value")
        for control in self.sliders:
            control.observe(self._on_slider, names="value")

    def select(self, approach) -> None:
        """Show an approach: 1-5 (or "1"-"5"), "custom", or an Approach record."""
        if isinstance(approach, Approach):
            self._show(approach)
            self._match()
        elif isinstance(approach, str) and approach.strip().lower() == CUSTOM:
            self.approach.value = CUSTOM
        else:
            number = (
                int(approach)
                if isinstance(approach, str) and approach.strip().isdecimal()
                else approach
            )
            self.approach.value = get_approach(number).number
            self._show(get_approach(number))

    def design(self) -> Approach:
        """The design the sliders describe, as a custom Approach (ValueError if impossible)."""
        units = parse_units(self.units.value)
        if len(units) != self.layers.value:
            raise ValueError(
                f"You chose {self.layers.value} RNN layer(s) but gave units for {len(units)} "
                f"({', '.join(map(str, units))}). Give one number per layer, or move the "
                f"layers slider to {len(units)}."
            )
        design = Approach(
            None,
            "",
            self.max_tokens.value,
            self.embed_len.value,
            units,
            self.bidirectional.value,
            self.cell.value,
        )
        return design.with_changes(name=custom_name(design))

    def current(self) -> Approach:
        """The approach the panel would train: a tutorial one, or the custom design."""
        design = self.design()
        return design if self.approach.value == CUSTOM else get_approach(self.approach.value)

    def _show(self, approach: Approach) -> None:
        with self._quietly():
            self.max_tokens.value = approach.max_tokens
            self.embed_len.value = approach.embed_len
            self.layers.value = min(len(approach.units), MAX_LAYERS)
            self.units.value = ", ".join(map(str, approach.units))
            self.bidirectional.value = approach.bidirectional
            self.cell.value = approach.cell

    def _match(self) -> None:
        """Select the tutorial approach the sliders describe, or Custom if none."""
        try:
            design = self.design()
        except ValueError:
            design = None
        match = next((a.number for a in APPROACHES if design and a.same_design(design)), CUSTOM)
        with self._quietly():
            self.approach.value = match

    def _on_approach(self, change) -> None:
        if not self._syncing and change["new"] != CUSTOM:
            self._show(get_approach(change["new"]))

    def _on_layers(self, change) -> None:
        """Grow or shrink the units list with the layer count (repeating the last layer's units)."""
        if self._syncing:
            return
        try:
            units = list(parse_units(self.units.value))
        except ValueError:
            return  # the message already says how to fix the units
        with self._quietly():
            self.units.value = ", ".join(
                map(str, (units + [units[-1]] * MAX_LAYERS)[: change["new"]])
            )

    def _on_slider(self, change) -> None:
        if not self._syncing:
            self._match()

    @contextmanager
    def _quietly(self):
        """Change controls without the handlers reacting to it."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False


class TrainingControls:
    """Optimizer, learning rate, epochs, batch size and preset."""

    def __init__(self, preset):
        self.optimizer = w.Dropdown(
            options=[("RMSprop", "rmsprop"), ("Adam", "adam")],
            value="rmsprop",
            description="Optimizer",
            style=STYLE,
            layout=column(),
        )
        self.learning_rate = w.Dropdown(
            options=[
                (f"{lr:g}" + (" (Keras default)" if lr == KERAS_DEFAULT_LEARNING_RATE else ""), lr)
                for lr in LEARNING_RATES
            ],
            value=KERAS_DEFAULT_LEARNING_RATE,
            description="Learning rate",
            style=STYLE,
            layout=column(),
        )
        self.epochs = w.IntSlider(
            value=preset.epochs,
            min=1,
            max=MAX_EPOCHS,
            description="Epochs",
            style=STYLE,
            layout=column(),
            continuous_update=False,
        )
        self.batch_size = w.Dropdown(
            options=BATCH_SIZES,
            value=preset.batch_size,
            description="Batch size",
            style=STYLE,
            layout=column(),
        )
        self.preset = w.Dropdown(
            options=[(preset_option(p), p.name) for p in PRESETS.values()],
            value=preset.name,
            description="Preset",
            style=STYLE,
            layout=WIDE,
        )
        self.preset.observe(self._on_preset, names="value")
        self.all = [self.optimizer, self.learning_rate, self.epochs, self.batch_size, self.preset]

    def settings(self) -> dict:
        """The chosen settings, as `Trainer.run` keywords."""
        return {
            "epochs": self.epochs.value,
            "batch_size": self.batch_size.value,
            "optimizer": self.optimizer.value,
            "learning_rate": self.learning_rate.value,
        }

    def _on_preset(self, change) -> None:
        preset = get_preset(change["new"])
        self.epochs.value = preset.epochs
        self.batch_size.value = preset.batch_size


def preset_option(preset) -> str:
    """A dropdown label short enough to show whole: 'workshop: 12,000 articles, 3 epochs'."""
    size = "all articles" if preset.train_size is None else f"{preset.train_size:,} articles"
    return f"{preset.name}: {size}, {preset.epochs} epoch" + ("s" if preset.epochs != 1 else "")
