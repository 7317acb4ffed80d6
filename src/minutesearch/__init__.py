"""minutesearch: search and analysis over Swedish meeting minutes (protokoll)."""

__version__ = "0.1.0"
