"""The native libraries' settings (``ppid/validation/native.py``) are in place before those libraries load."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def threads_after_loading_numpy(**env: str) -> int:
    """The thread count of a fresh interpreter that imported ``ppid.validation`` and then numpy (as pyarrow does)."""
    clean = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"} | env
    probe = "import os, ppid.validation, numpy; print(len(os.listdir('/proc/self/task')))"
    result = subprocess.run([sys.executable, "-c", probe], env=clean, capture_output=True, text=True, timeout=60,
                            check=True)
    return int(result.stdout)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts threads in /proc; OpenBLAS starts no extra thread on one core")
def test_numpy_starts_no_spinning_blas_thread_under_the_validation_package() -> None:
    """OpenBLAS reads its thread count when numpy loads it: one thread fewer shows the setting came first."""
    assert threads_after_loading_numpy() == threads_after_loading_numpy(OPENBLAS_NUM_THREADS="2") - 1


def test_an_explicit_setting_in_the_environment_wins() -> None:
    probe = "import os, ppid.validation; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = os.environ | {"OPENBLAS_NUM_THREADS": "3"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
                            check=True)
    assert result.stdout.strip() == "3"
