"""The feedback demo's tests: one load of the demo for the whole folder (see conftest.py)."""

SEED = 7  # the seed the folder's demo is loaded with
