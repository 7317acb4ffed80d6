"""The Textual terminal UI. Only this package and `cli/tui_cmd.py` import Textual."""
