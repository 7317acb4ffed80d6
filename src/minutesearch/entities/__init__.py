"""Swedish NER, gazetteers and person identity."""
