"""LLM workload arithmetic: first-order estimates of compute, time, memory, energy and cost.

Pure functions of plain numbers in SI base units (FLOP, FLOP/s, bytes, bytes/s, seconds,
watts, joules, money), each returning a :class:`~hwkg.formulas.hardware.Metric` — a value, or
None with the reason. Every estimate is a named standard formula; the caller states it
with its inputs:

- training compute ≈ 6·P·D FLOP (P parameters, D tokens; forward + backward of a dense
  transformer, attention excluded), or D × a given FLOP count per token;
- training time = compute ÷ (N devices × peak FLOP/s at the precision × MFU);
- training memory = P × bytes per parameter (16 for mixed-precision Adam: BF16 weights and
  gradients, FP32 master weights and two FP32 moments) + activations when given;
- energy = N × power × time; cost = N × hourly rate × hours, or N × purchase price;
- inference memory = P × bytes per parameter + KV cache, the KV cache being
  2 × layers × KV heads × head dimension × bytes per value × tokens held (batch × context);
- decode throughput upper bounds: memory-bound — every decode step reads all weights once
  and each sequence's KV cache, so tokens/s ≤ batch × bandwidth ÷ (weights + batch × KV per
  sequence); compute-bound — tokens/s ≤ FLOP/s × MFU ÷ (2·P).
"""

from __future__ import annotations

import math

from hwkg.formulas.hardware import Metric, missing, positive

TRAINING_FLOPS = "6·P·D (P parameters, D tokens; forward + backward, attention excluded)"
ADAM_MIXED_BYTES = 16.0  # BF16 weights + grads (2 + 2), FP32 master + 2 moments (4 + 4 + 4)


def training_flops(parameters: float | None, tokens: float | None,
                   flops_per_token: float | None = None) -> Metric:
    """Total training compute in FLOP: 6·P·D, or D × ``flops_per_token`` when given."""
    if flops_per_token is not None:
        problem = positive("FLOP", {"tokens": tokens, "FLOP per token": flops_per_token})
        return problem or Metric(float(tokens) * flops_per_token, "FLOP")  # type: ignore[arg-type]
    problem = positive("FLOP", {"parameters": parameters, "tokens": tokens})
    return problem or Metric(6.0 * parameters * tokens, "FLOP")  # type: ignore[operator]


def training_seconds(flops: float | None, devices: float | None, peak_flops: float | None,
                     mfu: float | None) -> Metric:
    """Wall time in seconds: compute ÷ (devices × peak FLOP/s per device × MFU)."""
    problem = positive("s", {"compute": flops, "devices": devices, "peak FLOP/s": peak_flops,
                           "MFU": mfu})
    if problem is not None:
        return problem
    if mfu > 1:  # type: ignore[operator]
        return missing("s", f"MFU is {mfu}, more than 1 (a fraction of peak, e.g. 0.4)")
    return Metric(flops / (devices * peak_flops * mfu), "s")  # type: ignore[operator]


def achieved_mfu(parameters: float | None, tokens_per_second: float | None,
                 peak_flops: float | None) -> Metric:
    """Model FLOPs utilisation of a measured training run: 6·P·(tokens/s) ÷ peak FLOP/s."""
    problem = positive("ratio", {"parameters": parameters, "tokens/s": tokens_per_second,
                               "peak FLOP/s": peak_flops})
    if problem is not None:
        return problem
    return Metric(6.0 * parameters * tokens_per_second / peak_flops, "ratio")  # type: ignore


def training_bytes(parameters: float | None, bytes_per_parameter: float,
                   activation_bytes: float = 0.0) -> Metric:
    """Memory for weights, gradients and optimizer state (+ activations when given)."""
    problem = positive("B", {"parameters": parameters, "bytes per parameter": bytes_per_parameter})
    if problem is not None:
        return problem
    if activation_bytes < 0:
        return missing("B", f"activation bytes is {activation_bytes}, negative")
    return Metric(parameters * bytes_per_parameter + activation_bytes, "B")  # type: ignore


def kv_cache_bytes(layers: int | None, kv_heads: int | None, head_dim: int | None,
                   bytes_per_value: float, tokens: float | None) -> Metric:
    """KV cache: 2 (K and V) × layers × KV heads × head dim × bytes per value × tokens."""
    problem = positive("B", {"layers": layers, "KV heads": kv_heads, "head dimension": head_dim,
                           "bytes per value": bytes_per_value, "tokens": tokens})
    if problem is not None:
        return problem
    return Metric(2.0 * layers * kv_heads * head_dim * bytes_per_value * tokens, "B")  # type: ignore


def devices_for_time(flops: float | None, peak_flops: float | None, mfu: float | None,
                     seconds: float | None) -> Metric:
    """Whole devices that finish ``flops`` of work within ``seconds`` at ``mfu`` of peak."""
    problem = positive("devices", {"compute": flops, "peak FLOP/s": peak_flops, "MFU": mfu,
                                 "time limit": seconds})
    if problem is not None:
        return problem
    return Metric(float(math.ceil(flops / (peak_flops * mfu * seconds) - 1e-9)),  # type: ignore
                  "devices")


def decode_tokens_per_second_memory(bandwidth: float | None, weight_bytes: float | None,
                                    kv_bytes_per_sequence: float, batch: int) -> Metric:
    """Memory-bound ceiling on decode tokens/s for ``batch`` sequences sharing ``bandwidth``
    (bytes/s, all devices together): batch × bandwidth ÷ (weights + batch × KV per sequence)."""
    problem = positive("tokens/s", {"memory bandwidth": bandwidth, "weight bytes": weight_bytes,
                                  "batch": batch})
    if problem is not None:
        return problem
    per_step = weight_bytes + batch * max(kv_bytes_per_sequence, 0.0)  # type: ignore[operator]
    return Metric(batch * bandwidth / per_step, "tokens/s")  # type: ignore[operator]


def decode_tokens_per_second_compute(flops: float | None, parameters: float | None,
                                     mfu: float) -> Metric:
    """Compute-bound ceiling on decode tokens/s: FLOP/s × MFU ÷ (2·P)."""
    problem = positive("tokens/s", {"peak FLOP/s": flops, "parameters": parameters, "MFU": mfu})
    if problem is not None:
        return problem
    return Metric(flops * mfu / (2.0 * parameters), "tokens/s")  # type: ignore[operator]


def energy_joules(devices: float | None, watts: float | None, seconds: float | None) -> Metric:
    """Energy at full power: devices × watts × seconds."""
    problem = positive("J", {"devices": devices, "power": watts, "time": seconds})
    return problem or Metric(devices * watts * seconds, "J")  # type: ignore[operator]


def rental_cost(devices: float | None, rate_per_device_hour: float | None,
                seconds: float | None) -> Metric:
    """Renting cost: devices × rate per device-hour × hours."""
    problem = positive("money", {"devices": devices, "hourly rate": rate_per_device_hour,
                               "time": seconds})
    return problem or Metric(devices * rate_per_device_hour * seconds / 3600.0,  # type: ignore
                             "money")


def purchase_cost(devices: float | None, price_per_device: float | None) -> Metric:
    """Buying cost: devices × price per device."""
    problem = positive("money", {"devices": devices, "price": price_per_device})
    return problem or Metric(devices * price_per_device, "money")  # type: ignore[operator]
