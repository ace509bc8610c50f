CREATE TABLE IF NOT EXISTS transcripts (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- relative to the folder, with forward slashes
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('pending', 'running', 'review', 'accepted', 'rejected', 'failed', 'missing')),
    words INTEGER,
    reason TEXT,                        -- why it failed, in words a user can act on
    warnings TEXT NOT NULL DEFAULT '[]',
    punctuation REAL,                   -- the source's marks per 100 words, once read
    candidate_attempt INTEGER REFERENCES attempts(id),
    updated_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    mode TEXT NOT NULL,
    raw_output TEXT NOT NULL,
    final_output TEXT NOT NULL,
    raw_likeness REAL NOT NULL,
    final_likeness REAL NOT NULL,
    added INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    longest_removed_run INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    gate_reasons TEXT NOT NULL,
    unmatched TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    ttft_s REAL NOT NULL,
    decode_tps REAL NOT NULL,
    seconds REAL NOT NULL,
    created_at REAL NOT NULL,
    decode_calls INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'model' CHECK (kind IN ('model', 'edit'))
);

CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    attempt_id INTEGER REFERENCES attempts(id),
    output_path TEXT,
    output_hash TEXT,
    decided_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS decision_outputs (
    decision_id INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    path TEXT NOT NULL,                 -- a further output of the decision (its own format)
    hash TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS attempts_by_transcript ON attempts (transcript_id);
CREATE INDEX IF NOT EXISTS transcripts_by_status ON transcripts (status, path);
