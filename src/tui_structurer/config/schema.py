"""The shape of ``models.toml``. Every field is documented where it is declared."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["repair", "free", "strict"]
PromptStyle = Literal["chat", "completion"]
EngineKind = Literal["llama-cpp", "openai"]
StrictRule = Literal["lookahead", "first-token"]
StrictServerPath = Literal["auto", "token-probabilities", "echo", "grammar"]


@dataclass(frozen=True)
class Settings:
    """``[settings]``: how a folder is processed."""

    output_dir: str = "structured"
    """Where accepted outputs go: relative to the transcript folder, or absolute."""
    max_file_bytes: int = 5_000_000
    """Transcripts larger than this are refused (a 20,000-word talk is about 120 kB)."""
    start_processing: bool = True
    """Whether the review app starts processing pending files as soon as it opens."""
    watch: bool = True
    """Whether the review app watches the folder for transcripts dropped in later."""
    quiet_seconds: float = 2.0
    """A dropped file is processed once its size and time stayed unchanged this long."""
    outputs: list[str] = field(default_factory=lambda: ["md", "source"])
    """What accepting writes: "md" (the structured text as Markdown prose) and "source"
    (subtitles and Whisper JSON written back in their own format, with the same cues,
    timings and fields). Written together: all of them or none."""
    existing_punctuation: Literal["keep", "redo"] = "keep"
    """"keep": where the source is already punctuated, its marks and capitals stay and
    the model fills only the stretches without; "redo": the model decides every gap."""
    punctuated_marks_per_100_words: float = 4.0
    """A stretch of the source with this many marks per 100 words counts as punctuated
    (speech-recognition output without punctuation has none; human text 7 to 14)."""


@dataclass(frozen=True)
class Gate:
    """``[gate]``: what a model's output must meet to pass without a retry."""

    min_likeness: float = 0.95
    """Lowest word-level likeness (0..1) of the model's raw output to its source."""
    max_removed_run: int = 8
    """Longest run of consecutive source words the model may drop or rewrite."""
    require_structure: bool = True
    """Fail outputs that add no punctuation or paragraph breaks at all, and (on texts of
    40 words or more) outputs whose punctuation is far from what human text has."""
    min_marks_per_100_words: float = 4.0
    """Fewest punctuation marks per 100 words (speeches run about 7 to 14)."""
    max_marks_per_100_words: float = 25.0
    """Most punctuation marks per 100 words (a mark after every fourth word is already
    a lot)."""
    min_words_per_sentence: float = 4.0
    """Shortest average sentence: below this the text is chopped into fragments."""
    max_words_per_sentence: float = 60.0
    """Longest average sentence: above this the sentences run on."""


@dataclass(frozen=True)
class ModelProfile:
    """``[models.NAME]``: one model and how to run it."""

    name: str
    gguf: str = ""
    """Where the GGUF is: "embedded" (the small model shipped as a package), a file path,
    "ollama:NAME[:TAG]", "hf:OWNER/REPO/FILE.gguf" (Hugging Face cache) or
    "lmstudio:PUBLISHER/REPO/FILE.gguf". Required for the llama-cpp engine."""
    engine: EngineKind = "llama-cpp"
    """"llama-cpp" runs the GGUF in this process; "openai" streams from servers that speak
    the OpenAI API (llama-server, vLLM, Ollama, LM Studio)."""
    base_url: str | list[str] = ""
    """openai engine: the API root, e.g. "http://127.0.0.1:8080/v1", or a list (a fleet)."""
    server_model: str = ""
    """openai engine: the model name the server expects (default: the profile's name)."""
    api_key_env: str = ""
    """openai engine: the name of an environment variable holding the API key; the key
    itself is never written to config, state, logs or the screen."""
    concurrency: int = 1
    """openai engine: requests in flight at once per endpoint."""
    timeout_s: float = 300.0
    """openai engine: seconds to wait for a connection or the next piece of a reply."""
    context: int = 4096
    """Context size in tokens; transcripts are chunked to fit it."""
    prompt_style: PromptStyle = "chat"
    """"chat" for instruction-tuned models (their chat template), "completion" for base
    models (a plain text prompt with an example)."""
    temperature: float = 0.0
    """0 means greedy decoding: the same input gives the same output."""
    top_p: float = 1.0
    """Nucleus sampling cut-off; only used when temperature > 0."""
    top_k: int = 40
    """Sample among the k most likely tokens; only used when temperature > 0."""
    repeat_penalty: float = 1.0
    """1.0 disables it: a transcript legitimately repeats words."""
    seed: int = 0
    """Sampling seed, for reproducible runs when temperature > 0."""
    gpu_layers: int | Literal["auto"] = "auto"
    """Layers to offload to the GPU: a number, or "auto" (as many as fit in the free
    memory NVML reports, from the model's own sizes; none on a CPU build)."""
    vram_reserve_mb: int = 0
    """Memory to leave free on each GPU; 0 means 5 % of the card, at most 1 GiB."""
    threads: int = 0
    """CPU threads for generation; 0 lets llama.cpp choose."""
    description: str = ""
    """Shown in listings."""
    strict_rule: StrictRule = "lookahead"
    """Strict mode's decision rule: "lookahead" scores each mark with the source words
    after it; "first-token" takes the likeliest next token (weaker, kept as a baseline)."""
    strict_lookahead: int = 1
    """Strict mode: source tokens after the next word that each mark is scored with
    (0–8; 1 is as good as more and costs no extra decoding)."""
    strict_threshold: float = -4.0
    """Strict mode: a mark is weighed only when its first token's log-probability plus
    its bias reaches this; lower weighs more marks (slower, sometimes more recall)."""
    strict_bias_comma: float = 0.0
    """Strict mode: added to the score of a comma, colon or semicolon (log-probability
    units; `tui-structurer calibrate` fits it on labelled text)."""
    strict_bias_sentence: float = 1.0
    """Strict mode: added to the score of a full stop or exclamation mark."""
    strict_bias_question: float = 1.0
    """Strict mode: added to the score of a question mark."""
    strict_bias_paragraph: float = 3.0
    """Strict mode: added for each paragraph break, against a prior on paragraph lengths
    that peaks at `strict_paragraph_words` (breaks are placed over a whole chunk)."""
    strict_bias_capital: float = 0.0
    """Strict mode: added to a word given a capital inside a sentence (a name, "I");
    the words after it are scored as spoken, in lower case, which tells against it."""
    strict_paragraph_words: int = 40
    """Strict mode: typical paragraph length in words (speeches run 30–60); paragraphs
    much shorter or longer are unlikely. `calibrate` sets it to the median of the
    labelled texts."""
    strict_draft_words: int = 3
    """Strict mode: source words decoded ahead in the same batch, kept while the model is
    sure of them (1–32; larger suits a GPU, where a batch costs little more than a token)."""
    strict_server_path: StrictServerPath = "auto"
    """Strict mode on a server (engine "openai", completion-style prompts): how the marks
    are scored. "auto" asks each server once: llama-server's token probabilities, else a
    grammar (its sampler picks the marks). "echo" (a /completions that echoes
    log-probabilities: vLLM) is used only when named. `doctor` shows each endpoint's."""
    origin: str = field(default="", compare=False)
    """Not a key: where ``gguf`` was set (``FILE:LINE (models.NAME.gguf)``, or
    ``--model``), so a message about a model file that cannot be found names it."""


@dataclass(frozen=True)
class Prompt:
    """``[prompts.NAME]``: how the model is asked. Templates hold ``{text}`` (the
    transcript) or ``{TEXT}`` (the transcript in capitals: a base model then cannot
    copy its missing punctuation along with its words)."""

    name: str
    system: str = ""
    """System message for chat-style models."""
    user: str = ""
    """User message for chat-style models; must contain {text} or {TEXT}."""
    completion: str = ""
    """Whole prompt for completion-style (base) models; must contain {text} or {TEXT}."""
    stop: list[str] = field(default_factory=list)
    """Strings that end generation (completion style mostly)."""
    shows_transcript: bool = True
    """False lets a template leave out {text}, for strict mode: there the transcript's
    words are forced as the reply, and a small base model shown an unpunctuated copy
    imitates it. A template without {text} serves strict steps only."""

    def template(self, style: PromptStyle) -> str:
        """The template a model of ``style`` is prompted with."""
        return self.user if style == "chat" else self.completion

    def shows_text(self, style: PromptStyle) -> bool:
        """Whether the ``style`` template puts the transcript in the prompt."""
        template = self.template(style)
        return "{text}" in template or "{TEXT}" in template

    description: str = ""
    """Shown when picking a fallback prompt."""


@dataclass(frozen=True)
class CascadeStep:
    """``[[cascade]]``: one attempt; the next runs only if this one fails the gate."""

    model: str
    """A model profile name."""
    prompt: str
    """A prompt name."""
    mode: Mode = "repair"
    """"strict" lets the model choose only separators, paragraph breaks and capitals
    between the source words (every word kept by construction; in-process llama.cpp
    models and servers that accept a GBNF grammar); "repair" lets the model write freely,
    then keeps the source words and takes its punctuation, case and breaks; "free" keeps
    the model's output as written (only the gate protects it)."""


@dataclass(frozen=True)
class Config:
    """Everything ``models.toml`` (shipped, user, ``--config``) defines, merged."""

    settings: Settings
    gate: Gate
    models: dict[str, ModelProfile]
    prompts: dict[str, Prompt]
    cascade: tuple[CascadeStep, ...]
    sources: tuple[Path, ...] = ()
    """The files this config was read from, lowest priority first."""
