"""Model files: where a profile's GGUF is, and what its header says."""
