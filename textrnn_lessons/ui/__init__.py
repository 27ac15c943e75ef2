"""Interactive controls for the lessons and the Voilà app (plain ipywidgets).

- `ApproachPanel` (panel.py, with controls.py, reports.py, view.py): pick or design an
  approach, train it live in a background thread (training_thread.py), see the test results.
- `ComparisonView` (comparison.py): every logged run beside the tutorial's accuracies.
"""

from .comparison import ComparisonView
from .panel import ApproachPanel

__all__ = ["ApproachPanel", "ComparisonView"]
