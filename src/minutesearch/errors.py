"""One small error hierarchy. The library raises these; the CLI and TUI turn them into messages."""

from __future__ import annotations


class MinutesearchError(Exception):
    """Base error: a user-facing message and a short title."""

    title = "Fel"

    def __init__(self, msg: str, title: str | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.msg


class ReadError(MinutesearchError):
    """A document could not be read (garbled, empty, no text layer, too large, ...)."""

    title = "Kunde inte läsa dokumentet"


class ParseError(MinutesearchError):
    """A document was read but its structure could not be understood."""

    title = "Kunde inte tolka dokumentet"


class StoreError(MinutesearchError):
    """The store is missing, locked, corrupt or of an unknown schema version."""

    title = "Lagringsfel"


class IndexMismatchError(StoreError):
    """An index on disk was built with another format, backend or model."""

    title = "Indexet behöver byggas om"


class QueryError(MinutesearchError):
    """A search query could not be understood."""

    title = "Ogiltig sökfråga"


class NotFoundError(MinutesearchError):
    """An item, meeting, person or watch that was asked for does not exist."""

    title = "Hittades inte"


class ModelError(MinutesearchError):
    """A model (NER pipeline, embedder) is missing or cannot be loaded."""

    title = "Modellfel"
