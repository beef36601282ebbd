"""Cell reading without frictionless: `python bench/cells.py [--values N]` (issue 13; printed, nothing asserted).

Measures, each in a fresh child process so that nothing is imported twice:

* start-up: importing ``ppid/validation/table_schema.py`` (on its own, as a file: the package's ``__init__``
  imports the engine) and loading bench/schemas/desa_bench.json with it, against importing frictionless and its
  first ``Schema.from_descriptor`` of the same descriptor; ``ppid.i18n`` (Babel) is imported first in both, as
  every ppid command imports it anyway;
* per cell: the cell reader of one field called once on each of N distinct values (what the engine does for each
  distinct value its vectorised checks cannot clear, like the 31,790 of file c), for a few field kinds, ours
  against frictionless's. CPU time (``time.process_time``), so that a busy machine bends the figures less;
  write the load average (printed) beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "bench" / "schemas" / "desa_bench.json"

FIELDS = {
    "integer, min/max, '3201.0'": ({"type": "integer", "constraints": {"required": True, "minimum": 0,
                                                                         "maximum": 10**12}}, "{i}.0"),
    "integer, valid": ({"type": "integer", "constraints": {"required": True, "minimum": 0}}, "{i}"),
    "number, decimalChar ',', '1.234,56'": ({"type": "number", "decimalChar": ",", "groupChar": "."},
                                           "{i}.{j:03d},5"),
    "string, pattern, bad": ({"type": "string", "constraints": {"pattern": "[0-9]{10}"}}, "32.01.{i}"),
    "date, '31/12/2024'": ({"type": "date"}, "{d:02d}/{m:02d}/{i}"),
    "year, valid": ({"type": "year", "constraints": {"minimum": 1945}}, "{y}"),
}

STARTUP = """
import importlib.util, json, sys, time
import ppid.i18n
descriptor = json.load(open({schema!r}))
start, cpu = time.perf_counter(), time.process_time()
if {ours!r}:
    spec = importlib.util.spec_from_file_location("table_schema", {module!r})
    module = sys.modules["table_schema"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    imported, imported_cpu = time.perf_counter(), time.process_time()
    readers = module.load_schema_descriptor(descriptor).create_cell_readers()
else:
    from frictionless import Schema
    imported, imported_cpu = time.perf_counter(), time.process_time()
    readers = [field.create_cell_reader() for field in Schema.from_descriptor(descriptor).fields]
end, end_cpu = time.perf_counter(), time.process_time()
print(json.dumps([imported - start, imported_cpu - cpu, end - imported, end_cpu - imported_cpu]))
"""

PER_CELL = """
import importlib.util, json, sys, time
spec_field, template, count, ours = json.loads(sys.argv[1])
descriptor = {{"fields": [dict(name="kolom", **spec_field)], "missingValues": ["", "-"]}}
if ours:
    spec = importlib.util.spec_from_file_location("table_schema", {module!r})
    module = sys.modules["table_schema"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reader = module.load_schema_descriptor(descriptor).fields[0].create_cell_reader()
else:
    from frictionless import Schema
    reader = Schema.from_descriptor(descriptor).fields[0].create_cell_reader()
values = [template.format(i=1000 + i, j=i % 1000, d=1 + i % 28, m=1 + i % 12, y=1950 + i % 70) for i in range(count)]
bad = 0
start = time.process_time()
for value in values:
    bad += reader(value)[1] is not None
elapsed = time.process_time() - start
print(json.dumps([elapsed / count * 1e6, bad]))
"""


def child(program: str, *args: str) -> list[float]:
    result = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, check=True,
                            cwd=ROOT)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=31_790, help="distinct values per field (file c: 31,790)")
    parser.add_argument("--runs", type=int, default=3, help="start-up runs per tool (the median is printed)")
    args = parser.parse_args()
    module = str(ROOT / "ppid" / "validation" / "table_schema.py")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print("\nstart-up (median of runs; ms wall / ms CPU)")
    for label, ours in (("table_schema", True), ("frictionless", False)):
        runs = sorted((child(STARTUP.format(schema=str(SCHEMA), ours=ours, module=module)) for _ in range(args.runs)),
                      key=lambda run: run[0] + run[2])
        imported, imported_cpu, loaded, loaded_cpu = runs[len(runs) // 2]
        print(f"  {label:13} import {imported * 1e3:6.1f} / {imported_cpu * 1e3:6.1f}   "
              f"schema + readers {loaded * 1e3:6.1f} / {loaded_cpu * 1e3:6.1f}")
    print(f"\nper distinct cell ({args.values:,} values per field; µs CPU per cell)")
    print(f"  {'field':38} {'table_schema':>12} {'frictionless':>12} {'ratio':>6}  bad cells")
    for label, (spec, template) in FIELDS.items():
        ours, ours_bad = child(PER_CELL.format(module=module), json.dumps([spec, template, args.values, True]))
        theirs, theirs_bad = child(PER_CELL.format(module=module), json.dumps([spec, template, args.values, False]))
        agree = "same" if ours_bad == theirs_bad else f"DIFFERENT ({ours_bad:.0f} vs {theirs_bad:.0f})"
        print(f"  {label:38} {ours:12.2f} {theirs:12.2f} {theirs / ours:5.1f}x  {theirs_bad:,.0f} ({agree})")
    print(f"\nload average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
