"""The results log and everything made from it.

- `log`: one JSON line per run, appended under a lock, read back strictly;
- `records`: what a run record holds, and the tables made from the logged runs;
- `tables`: tables as a learner should see them;
- `summary`: lesson 07's side-by-side with the tutorial's figures;
- `experiments`: lesson 07's designs compared on validation over several seeds;
- `reproduce`: `textrnn-lessons reproduce`, all five approaches and a report.
"""


def __getattr__(name):  # names of the 0.1 module this package replaced, for one release
    from .._aliases import package_attribute

    return package_attribute(__name__, name)
