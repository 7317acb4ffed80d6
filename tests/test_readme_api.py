"""The README's Python API example runs as written (against the seed index), and its API
reference is the one generated from the docstrings."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from minutesearch.api import api_reference
from minutesearch.config import Settings
from minutesearch.locations import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Python API")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_readme_example_runs_as_written(seed_settings: Settings) -> None:
    pytest.importorskip("pandas")
    blocks = re.findall(r"```python\n(.*?)```", _section(), re.S)
    assert len(blocks) == 1
    env = {**os.environ, "MINUTESEARCH_INDEX_DIR": str(seed_settings.index_dir)}
    done = subprocess.run(
        [sys.executable, "-c", blocks[0]], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Region Jämtland Härjedalen" in out  # hits print their org
    assert "Margareta Winberg S" in out and "möten" in out


def test_readme_api_reference_is_generated_from_the_docstrings() -> None:
    section = _section()
    block = section.split("<!-- api-reference -->\n", 1)[1].split("\n<!-- /api-reference -->")[0]
    assert block == api_reference()
