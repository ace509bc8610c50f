"""`tui-structurer eval`: score (model, prompt, mode) runs against human references."""
