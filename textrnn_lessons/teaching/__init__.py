"""What the lessons need besides Keras: exercises, explainer tables, the list of lessons.

- `exercises`: the checks behind the exercises (right, or not yet with a hint);
- `explainers`: tables and sentences that look inside one step of the pipeline;
- `catalogue`: the one list of lessons, in order;
- `lesson_times`: how long each lesson takes, measured and estimated for this machine;
- `preflight`: `textrnn-lessons check` and lesson 00's set-up check.
"""
