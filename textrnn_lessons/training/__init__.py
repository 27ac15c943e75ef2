"""Training: seeding, compiling and fitting, the way the package's own tools train.

- `fitting`: `set_seed`, `compile_model`, `train` (lesson 02 writes the same calls by hand);
- `keras2_optimizers`: RMSprop and Adam with the tutorial's Keras 2 embedding arithmetic,
  for the `tutorial` protocol and one lesson-07 experiment;
- `trainer`: `Trainer`, one approach end to end (data, vectorizer, model, fit, evaluate, log)
  for the CLI, the panel and lesson 07.
"""


def __getattr__(name):  # names of the 0.1 module this package replaced, for one release
    from .._aliases import package_attribute

    return package_attribute(__name__, name)
