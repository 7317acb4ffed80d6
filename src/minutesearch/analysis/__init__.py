"""Decisions, recurring issues (threads), references and watches."""
