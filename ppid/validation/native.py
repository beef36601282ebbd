"""Settings for the native libraries under the columnar engine, made before any of them is loaded.

``ppid/validation/__init__.py`` imports this module first, so every module of the package (and polars, pyarrow
and numpy, which only they load) starts with these in place. An explicit setting in the environment wins.

* ``OPENBLAS_NUM_THREADS=1``: pyarrow loads numpy, whose OpenBLAS starts one thread per core that spins for
  about 0.1 s of CPU after loading: on two cores, the core polars' checks want (bench/README.md, "Session 9").
  Nothing in ppid multiplies matrices.
"""

from __future__ import annotations

import os

NATIVE_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1"}

for _name, _value in NATIVE_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
