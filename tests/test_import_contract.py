"""The import contract, read from the source (every import statement, also inside functions):

- the headless core (everything but `cli/` and `tui/`) never imports `cli` or `tui`;
- the TUI never imports by name (`importlib`), so mypy and this test see what it uses;
- the TUI's screens, widgets and app use only the public API (`minutesearch.api`, `filters`,
  `errors`, `config`, `locations`, `model`); only its data layer (`tui/data.py`, `tui/corpus.py`)
  reaches into the library.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import minutesearch

PACKAGE = Path(minutesearch.__file__).parent
PUBLIC = {
    "minutesearch",
    "minutesearch.api",
    "minutesearch.filters",
    "minutesearch.errors",
    "minutesearch.config",
    "minutesearch.locations",
    "minutesearch.model",
}
DATA_LAYER = {"minutesearch.tui.data", "minutesearch.tui.corpus"}
# An error type the person screen catches; it belongs in errors.py (noted for the people module).
KNOWN_EXCEPTIONS = {("minutesearch.tui.screens.person_screen", "minutesearch.entities.people")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, source: str | None = None) -> set[str]:
    """Absolute names of the modules a file (or `source` read as that file) imports (relative
    imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            out.add(module)
            # `from .. import data` imports the module minutesearch.tui.data
            out |= {f"{module}.{a.name}" for a in node.names if a.name != "*"}
    return out


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_contract_sees_imports_inside_functions() -> None:
    imports = _imports(PACKAGE / "tui" / "data.py")
    assert "minutesearch.search" in imports  # imported inside search(), not at the top
    assert "minutesearch.filters" in imports


def test_core_never_imports_cli_or_tui() -> None:
    offenders = [
        (name, imported)
        for name, path in _sources().items()
        if not _is_under(name, "minutesearch.cli") and not _is_under(name, "minutesearch.tui")
        for imported in _imports(path)
        if _is_under(imported, "minutesearch.cli") or _is_under(imported, "minutesearch.tui")
    ]
    assert not offenders


def test_tui_never_imports_by_name() -> None:
    offenders = [
        (name, imported)
        for name, path in _sources().items()
        if _is_under(name, "minutesearch.tui")
        for imported in _imports(path)
        if _is_under(imported, "importlib") or imported == "builtins"
    ]
    assert not offenders


def test_tui_screens_use_only_the_public_api() -> None:
    sources = _sources()
    offenders = []
    for name, path in sources.items():
        if not _is_under(name, "minutesearch.tui") or name in DATA_LAYER:
            continue
        for imported in _imports(path):
            if not _is_under(imported, "minutesearch") or _is_under(imported, "minutesearch.tui"):
                continue
            if imported in PUBLIC or imported.rsplit(".", 1)[0] in PUBLIC - {"minutesearch"}:
                continue  # the module itself, or a name imported from it
            if (name, imported.rsplit(".", 1)[0]) in KNOWN_EXCEPTIONS or (
                name,
                imported,
            ) in KNOWN_EXCEPTIONS:
                continue
            offenders.append((name, imported))
    assert not offenders


# Ingest-time analysis: these run while a file is ingested and must not depend on query-time
# code (the search engine and its indexes), so ingest never needs an index to exist.
INGEST_ANALYSIS = {
    f"minutesearch.analysis.{m}"
    for m in (
        "decisions",
        "procedure",
        "motions",
        "references",
        "links",
        "pipeline",
        "resolve",
        "dnr",
        "text",
        "bodies",
    )
}
# Query-time code: the search engine, its indexes, and the analysis that runs on a query
# (filters and search over stored rows). `_imports` reads every import statement, also those
# inside functions, so a deferred `from .matching import ...` in an ingest module fails too.
QUERY_TIME = (
    "minutesearch.search",
    "minutesearch.index",
    "minutesearch.analysis.matching",
    "minutesearch.analysis.queries",
    "minutesearch.analysis.watches",
)


def _query_time_imports(path: Path, source: str | None = None) -> list[str]:
    return sorted(i for i in _imports(path, source) if any(_is_under(i, q) for q in QUERY_TIME))


def test_the_ingest_rule_sees_query_time_imports_inside_functions() -> None:
    # decisions.py as it was: a deferred import of the query-time matcher inside a function
    source = "def find():\n    from .matching import matching_item_ids\n"
    found = _query_time_imports(PACKAGE / "analysis" / "decisions.py", source)
    assert "minutesearch.analysis.matching" in found
    assert not _query_time_imports(PACKAGE / "analysis" / "decisions.py")


def test_ingest_analysis_never_imports_query_time_code() -> None:
    sources = _sources()
    assert set(sources) >= INGEST_ANALYSIS  # a renamed module must be renamed here too
    assert set(sources) >= set(QUERY_TIME[2:])
    offenders = [
        (name, imported)
        for name in sorted(INGEST_ANALYSIS)
        for imported in _query_time_imports(sources[name])
    ]
    assert not offenders


# SQL is the store's and the query layer's business (`store.py`, `query.py`): the CLI and the TUI
# read through them, so the schema can change in one place.
_SQL = re.compile(r"\b(SELECT\s.+?\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET)\b", re.S)
_EXECUTE = {"execute", "executemany", "executescript"}


def _sql_in(path: Path) -> list[str]:
    """The SQL a file runs or spells: `.execute(...)`-style calls and SQL string literals."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _EXECUTE
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}(")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL.search(node.value)
        ):
            found.append(f"line {node.lineno}: {node.value[:40]!r}")
    return found


def test_the_sql_check_sees_sql() -> None:
    assert _sql_in(PACKAGE / "query.py")  # the query layer is where SQL lives


def test_cli_and_tui_run_no_sql() -> None:
    offenders = {
        name: found
        for name, path in _sources().items()
        if _is_under(name, "minutesearch.cli") or _is_under(name, "minutesearch.tui")
        if (found := _sql_in(path))
    }
    assert not offenders
