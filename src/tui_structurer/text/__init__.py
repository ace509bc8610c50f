"""Pure text: words, chunks, prompts, fidelity, repair and the review diff. No I/O."""
