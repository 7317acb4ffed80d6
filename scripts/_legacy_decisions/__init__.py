"""BASELINE ONLY: the decision extractor as it was on main before issue #13 (commit 0e6c8ac),
kept verbatim so `make eval-decisions` measures the old logic beside the new one in the same run.
Not imported by the package; do not edit."""
