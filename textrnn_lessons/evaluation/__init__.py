"""What a trained network is worth and why it decides: metrics, figures, predictions, LIME.

- `metrics`: accuracy, the per-topic report and the confusion matrix on the test set;
- `plots`: every figure the package draws;
- `predictor`: raw strings in, topic probabilities out;
- `explain`: LIME explanations of one prediction.
"""


def __getattr__(name):  # names of the 0.1 module this package replaced, for one release
    from .._aliases import package_attribute

    return package_attribute(__name__, name)
