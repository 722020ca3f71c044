"""Reading a corpus: intake of files and tables, encodings (notebook 00)."""
