"""An installed wheel (not the checkout) finds its bundled ontology, shapes and graph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_graph_and_validates_it(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "cwd"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)],
                   check=True, timeout=300)
    (wheel,) = wheels.glob("hwkg-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("HWKG_HOME", None)
    where = subprocess.run(
        [sys.executable, "-c",
         "import hwkg, hwkg.core.resources as r; print(hwkg.__file__); print(r.home())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()
    assert where[0].startswith(str(target))
    assert where[1] == str(target / "hwkg" / "_bundled")
    assert list((target / "hwkg" / "_bundled" / "graph").rglob("*.ttl"))
    done = subprocess.run([sys.executable, "-m", "hwkg", "validate"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
