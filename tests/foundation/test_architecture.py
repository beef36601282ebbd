"""The layout is a contract: floors that import only downwards, no import circles, a harvest without Flask."""

from __future__ import annotations

import graphlib
import os
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_the_import_contracts_in_setup_cfg_are_kept() -> None:
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                            timeout=300)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_module_of_ppid_or_harvesters_reaches_itself_through_imports() -> None:
    """Every import counts, also those only for type checking and those inside functions."""
    graph = grimp.build_graph("ppid", "harvesters", exclude_type_checking_imports=False, cache_dir=None)
    dependencies = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}

    try:
        order = list(graphlib.TopologicalSorter(dependencies).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import circle: {' -> '.join(error.args[1])}") from None
    assert "ppid.catalogue.store" in order


def test_a_harvest_imports_neither_flask_nor_the_request_module(environ: dict[str, str]) -> None:
    probe = (
        "import sys\n"
        "from ppid.cli import main\n"
        "try:\n"
        "    main(['harvest'], standalone_mode=False)\n"
        "finally:\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'waitress'}"
        " or m.startswith(('ppid.permohonan', 'ppid.app', 'ppid.web', 'ppid.portal', 'ppid.uploader.views')))\n"
        "    print('LOADED', loaded)\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ

    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=600)

    assert "LOADED []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


def test_the_web_app_starts_without_rdflib_which_only_dcat_exports_need(environ: dict[str, str]) -> None:
    """The upload server's memory target (bench/upload.py) leaves no room for libraries a request may never use."""
    probe = "import sys\nfrom ppid.app import create_app\ncreate_app()\nprint('RDFLIB', 'rdflib' in sys.modules)\n"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ

    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)

    assert "RDFLIB False" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


def test_the_web_app_starts_without_pymupdf_which_only_published_answers_need(environ: dict[str, str]) -> None:
    """pymupdf brings its layout model (onnxruntime) along: 1–2 s of CPU at every `ppid serve` start for the pages
    that check, black out or read a published answer's PDF (issue 17)."""
    probe = ("import sys\nfrom ppid.app import create_app\ncreate_app()\n"
             "print('PYMUPDF', sorted(m for m in sys.modules\n"
             "                        if m.split('.')[0] in {'pymupdf', 'fitz', 'onnxruntime'}))\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ

    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)

    assert "PYMUPDF []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
