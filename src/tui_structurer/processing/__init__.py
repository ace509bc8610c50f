"""The processing service: one path for a file, the queue, the session and live figures."""
