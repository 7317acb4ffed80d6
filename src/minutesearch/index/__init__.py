"""Keyword (Whoosh) and semantic (embedding) indexes over §-items."""
