"""Measuring the machine hwkg runs on: the accelerator through PyTorch if present, else the CPU.

:func:`measure` returns a measured-file dict (the format of ``shared/data/measured``:
``measured_at``, ``host``, ``device``, ``figures`` with value, unit and method), which
:mod:`hwkg.importers.measured` turns into Turtle. PyTorch is optional: without it (or
with ``cpu=True``) the CPU is measured with NumPy — memory copy bandwidth and FP64/FP32
matrix-product throughput. NumPy is needed for the CPU path only.
"""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def _mean_seconds(work: Callable[[], object], repeats: int, warmups: int,
                  sync: Callable[[], object] = lambda: None) -> float:
    for _ in range(warmups):
        work()
    sync()
    start = time.perf_counter()
    for _ in range(repeats):
        work()
    sync()
    return (time.perf_counter() - start) / repeats


def _product(a: Any) -> Callable[[], object]:
    """Work that multiplies ``a`` by itself (a NumPy array or a torch tensor)."""
    return lambda: a @ a


def cpu_name() -> str:
    """The CPU model as the operating system names it (``/proc/cpuinfo`` or platform)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measure_cpu(quick: bool = False) -> dict[str, Any]:
    """Copy bandwidth and FP64/FP32 matmul throughput of the CPU, with NumPy."""
    import numpy as np

    mib = 32 if quick else 256
    repeats, warmups = (3, 1) if quick else (10, 2)
    src = np.ones(mib * 2**20 // 8)
    dst = np.empty_like(src)
    seconds = _mean_seconds(lambda: np.copyto(dst, src), repeats, warmups)
    figures: dict[str, Any] = {"memory_copy_bandwidth": {
        "value": 2 * src.nbytes / seconds / 1e9, "unit": "GB/s",
        "method": f"numpy copyto of a {mib} MiB float64 array in host memory, bytes "
                  f"read+written, mean of {repeats} after {warmups} warm-up(s)"}}
    n = 512 if quick else 2048
    for dtype, key in (("float64", "gemm_fp64"), ("float32", "gemm_fp32")):
        a = np.random.default_rng(0).random((n, n)).astype(dtype)
        seconds = _mean_seconds(_product(a), repeats, warmups)
        figures[key] = {"value": 2 * n**3 / seconds / 1e9, "unit": "GFLOP/s",
                        "method": f"numpy {n}x{n}x{n} dense matrix product in {dtype} on "
                                  f"random data, mean of {repeats} after {warmups} warm-up(s)"}
    return {"device": {"name": cpu_name(), "kind": "cpu"},
            "host": {"python": platform.python_version(), "numpy": np.__version__,
                     "cpu_count": os.cpu_count()},
            "figures": figures}


def apple_chip() -> str:
    """The Apple SoC name (``Apple M2 Ultra``) from sysctl, for the MPS device."""
    try:
        done = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True,
                              text=True, timeout=10, check=False)
    except OSError:
        return platform.processor()
    return done.stdout.strip() or platform.processor()


def _torch() -> Any | None:
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


def accelerator(torch: Any) -> str | None:
    """``cuda`` (also ROCm builds), ``mps`` or None."""
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else None


def measure_torch(torch: Any, device: str, quick: bool = False) -> dict[str, Any]:
    """Copy bandwidth, host links (CUDA) and matmul throughput per precision, with PyTorch."""
    sync = torch.cuda.synchronize if device == "cuda" else torch.mps.synchronize
    repeats, warmups = (3, 1) if quick else (10, 3)
    gib = 0.25 if quick else 1
    count = int(gib * 2**30) // 4
    src = torch.ones(count, device=device)
    dst = torch.empty_like(src)
    seconds = _mean_seconds(lambda: dst.copy_(src), repeats, warmups, sync)
    figures: dict[str, Any] = {"memory_copy_bandwidth": {
        "value": 2 * count * 4 / seconds / 1e12, "unit": "TB/s",
        "method": f"torch copy_ of {gib} GiB on {device}, bytes read+written, mean of "
                  f"{repeats} after {warmups} warm-ups"}}
    if device == "cuda":
        host = torch.ones(count, pin_memory=True)
        for key, work in (("host_to_device_bandwidth", lambda: src.copy_(host, True)),
                          ("device_to_host_bandwidth", lambda: host.copy_(src, True))):
            seconds = _mean_seconds(work, repeats, warmups, sync)
            figures[key] = {"value": count * 4 / seconds / 1e9, "unit": "GB/s",
                            "method": f"{key[:14].replace('_', ' ')} copy of {gib} GiB pinned "
                                      f"host memory, mean of {repeats} after {warmups} warm-ups"}
    n = 2048 if quick else 8192
    kinds = [("fp32", torch.float32, False), ("tf32", torch.float32, True),
             ("fp16", torch.float16, False), ("bf16", torch.bfloat16, False)]
    if device == "cuda":
        kinds.insert(0, ("fp64", torch.float64, False))
    for name, dtype, tf32 in kinds:
        if device == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.rand(n, n, device=device, dtype=dtype)
        seconds = _mean_seconds(_product(a), repeats, warmups, sync)
        figures[f"gemm_{name}"] = {"value": 2 * n**3 / seconds / 1e12, "unit": "TFLOP/s",
                                   "method": f"torch {n}x{n}x{n} dense matrix product in {name} "
                                             f"on random data, mean of {repeats} after "
                                             f"{warmups} warm-ups"}
    name = torch.cuda.get_device_name() if device == "cuda" else apple_chip()
    return {"device": {"name": name, "kind": device},
            "host": {"python": platform.python_version(), "torch": torch.__version__,
                     "cuda": getattr(torch.version, "cuda", None),
                     "hip": getattr(torch.version, "hip", None), "cpu_count": os.cpu_count()},
            "figures": figures}


def measure(cpu: bool = False, quick: bool = False) -> dict[str, Any]:
    """Measure this machine: the PyTorch accelerator unless ``cpu`` or none, else the CPU."""
    started = datetime.now(UTC).replace(microsecond=0)
    torch = None if cpu else _torch()
    device = accelerator(torch) if torch is not None else None
    data = measure_torch(torch, device, quick) if torch is not None and device else \
        measure_cpu(quick)
    return {"measured_at": started.isoformat(), **data}
