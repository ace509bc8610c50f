"""The Textual review app. Imports the core; the core never imports this."""
