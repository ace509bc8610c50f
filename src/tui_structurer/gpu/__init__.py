"""GPUs as NVML reports them; no NVML or no GPU is a normal case, said plainly."""
