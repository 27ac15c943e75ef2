"""The networks: the five approaches as records, and the check of a learner's own network.

- `approaches`: the five designs as data and `build_model` (lessons 02-06, the CLI, the panel);
- `design_check`: `check_model`, which compares a network a learner wrote with a design.
"""


def __getattr__(name):  # names of the 0.1 module this package replaced, for one release
    from .._aliases import package_attribute

    return package_attribute(__name__, name)
