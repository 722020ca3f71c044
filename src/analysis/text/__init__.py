"""Text primitives every stage reuses: spans, sentences, quote marks, tokens, evidence."""
