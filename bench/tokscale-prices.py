#!/usr/bin/env python3
"""Seeds tokscale's price cache, which it otherwise fetches from the internet on every run, with the prices the
generator used (bench/OpenCodeUsage.Bench.Generator/Catalog.cs), in LiteLLM's format (USD per token).

    tokscale-prices.py <Catalog.cs> <cache dir>
"""
import json
import re
import sys
import time
from pathlib import Path

catalog, cache = Path(sys.argv[1]), Path(sys.argv[2])
# new("anthropic", "claude-sonnet-4-5", 3m, 15m, 0.3m, 3.75m, ...): provider, model, then input, output,
# cache read and cache write prices per million tokens.
row = re.compile(r'new\("([^"]+)", "([^"]+)", ([\d.]+)m, ([\d.]+)m, ([\d.]+)m, ([\d.]+)m')
prices = {}
for provider, model, read_in, out, cache_read, cache_write in row.findall(catalog.read_text()):
    prices[model] = {
        "litellm_provider": provider,
        "input_cost_per_token": float(read_in) / 1e6,
        "output_cost_per_token": float(out) / 1e6,
        "cache_read_input_token_cost": float(cache_read) / 1e6,
        "cache_creation_input_token_cost": float(cache_write) / 1e6,
    }
if not prices:
    sys.exit(f"no prices found in {catalog}")

now = int(time.time())  # tokscale keeps a cached file for a while from this time (seconds)
cache.mkdir(parents=True, exist_ok=True)
for name, data in (("pricing-litellm.json", prices), ("pricing-openrouter.json", {})):
    target = cache / name
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"timestamp": now, "data": data}))
    temporary.replace(target)
