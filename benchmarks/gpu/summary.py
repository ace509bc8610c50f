"""The GPU check's results as a short text: what a session reads first."""

from __future__ import annotations

from typing import Any

GB = 1e9


def _gb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / GB:.2f} GB"


def _sizing_line(label: str, run: dict[str, Any]) -> str:
    if "plan" not in run:
        return f"  {label}: {run.get('failed') or run.get('skipped') or 'no result'}"
    plan = run["plan"]
    layers = f"{plan['n_gpu_layers']}/{plan['n_layers']} planned, {run['loaded_layers']} loaded"
    retried = f", RETRIED: {'; '.join(run['load_notes'])}" if run["load_notes"] else ""
    if run.get("measured_after_decode_bytes") is None:
        buffers = ", ".join(f"{k} {v:.0f}" for k, v in run["llama_buffers_mib"].items())
        return f"  {label}: {layers} ({plan['reason']}); llama.cpp MiB: {buffers}{retried}"
    return (
        f"  {label}: {layers}; predicted {_gb(run['predicted_bytes'])}, measured "
        f"{_gb(run['measured_after_load_bytes'])} after load, "
        f"{_gb(run['measured_after_decode_bytes'])} after a decode "
        f"({run['error']:+.1%}); {_gb(run['free_after_decode_bytes'])} left free{retried}"
    )


def _speed_lines(speed: dict[str, Any]) -> list[str]:
    strict, free, first = speed["strict"], speed["free"], speed["strict_first_token"]
    costs = speed["strict_costs"]
    lines = [
        f"speed ({strict['words']} words, {speed['texts']} transcripts, same prompt):",
        f"  strict {strict['words_per_s']} words/s, {strict['calls_per_1000_words']} decode "
        f"calls per 1,000 words, {strict['tokens_per_call']} tokens/call, fidelity "
        f"{strict['lowest_raw_fidelity']}; {costs['logit_rows_per_word']} logit rows per "
        f"word, {costs['scored_gaps_per_100_words']} scored gaps per 100 words, "
        f"{speed['draft_words']} words drafted, {costs['refills']} context refills",
        f"  strict with the first-token rule {first['words_per_s']} words/s: the lookahead "
        f"costs {speed['lookahead_cost_over_first_token']}x (goal < 1.5x)",
        f"  stand-in's choices: {strict['marks_per_100_words']} marks per 100 words, "
        f"{strict['paragraphs_per_1000_words']} paragraphs per 1,000",
        f"  free   {free['words_per_s']} words/s ({free['completion_tokens']} tokens at "
        f"{free['decode_tokens_per_s']} tokens/s); at strict's length "
        f"({strict['completion_tokens']} tokens) {speed['free_words_per_s_at_strict_length']}",
        f"  strict / free = {speed['strict_over_free']}x as run, "
        f"{speed['strict_over_free_at_strict_length']}x at equal length (goal >= 4x)",
    ]
    return lines


def summarize(results: dict[str, Any]) -> str:
    lines = [f"GPU check ({results['mode']}), {results['started']}"]
    build, model = results.get("build", {}), results.get("model", {})
    if build:
        lines.append(
            f"build: {build.get('status')}, {build.get('seconds')} s ({build.get('what')})"
        )
    if model:
        lines.append(
            f"model: {_gb(model.get('bytes'))}, vocabulary {model.get('vocab')}, written in "
            f"{model.get('seconds')} s ({model.get('tensors_by_type')})"
        )
    doctor = results.get("doctor")
    if doctor:
        gpus = ", ".join(f"{g['name']} {_gb(g['free_bytes'])} free" for g in doctor["gpus"])
        entry = next((m for m in doctor["models"] if m["name"] == results["profile"]), {})
        plan = (entry.get("plan") or {}).get("reason") or entry.get("error", "?")
        lines.append(f"doctor: {gpus or doctor['gpu_unavailable']}; plan: {plan}")
    if "sizing" in results:
        lines.append("sizing (whole card):")
        lines += [_sizing_line(f"{r['context'] // 1024}k", r) for r in results["sizing"]]
    if "sizing_reserved" in results:
        lines.append("sizing (smaller card: memory held by another process):")
        lines += [
            _sizing_line(f"{r['leave_free_bytes'] / GB:.0f} GB free, {r['context'] // 1024}k", r)
            for r in results["sizing_reserved"]
        ]
    if "speed" in results:
        lines += _speed_lines(results["speed"])
    limit = results.get("physical_limit")
    if limit and "speed" in results:
        speed = results["speed"]
        lines.append(
            f"decode: {speed['free']['decode_tokens_per_s']} tokens/s in free generation; "
            f"limit {limit.get('tokens_per_s_measured_copy', 'n/a')} at the measured copy rate, "
            f"{limit.get('tokens_per_s_datasheet')} at the datasheet's 4.8 TB/s "
            f"({_gb(limit['bytes_read_per_token'])} read per token)"
        )
    for name, step in results["steps"].items():
        if step["status"] != "ok":
            lines.append(f"{name}: {step['status']}")
    return "\n".join(lines) + "\n"
