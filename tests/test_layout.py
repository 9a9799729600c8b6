"""The tests mirror the code: every folder of the library and the app has its folder of
tests, every top-level module its test file, or a reason written here. Adding a module
without either fails this test."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import specdiff_core

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"

# Top-level modules tested in another file, and why there.
COVERED_ELSEWHERE = {
    "__init__": "the package's names: imported by every test",
    "__main__": "python -m specdiff_core: run by tests/cli/test_cli.py",
    "checkpoints": "model files: saved, loaded and tampered with in tests/training",
    "config": "the config dataclasses: checked where they are used (training, experiments)",
    "errors": "the error family: every error-path test raises or catches one",
    "formatting": "numbers as text: its doctests run below; tables use it in tests/report",
    "jsonio": "JSON writing: the result store's tests in tests/experiments",
    "model": "the denoiser: trained and compared in tests/training",
    "paths": "where results live: the result store's tests in tests/experiments",
}


def test_every_library_folder_and_module_has_its_tests():
    core = ROOT / "specdiff_core"
    missing = []
    for path in sorted(core.iterdir()):
        if path.is_dir() and (path / "__init__.py").exists():
            if not list((TESTS / path.name).glob("test_*.py")):
                missing.append(f"tests/{path.name}/ for specdiff_core/{path.name}/")
        elif path.suffix == ".py" and path.stem not in COVERED_ELSEWHERE:
            if not (TESTS / f"test_{path.stem}.py").exists():
                missing.append(f"tests/test_{path.stem}.py for specdiff_core/{path.name}")
    assert not missing, "add tests (or a reason in COVERED_ELSEWHERE): " + ", ".join(missing)
    assert list((TESTS / "app").glob("test_*.py")), "tests/app/ for pages/ and specdiff_app/"


def test_reasons_name_modules_that_exist():
    stems = {p.stem for p in (ROOT / "specdiff_core").glob("*.py")}
    assert set(COVERED_ELSEWHERE) <= stems


MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(specdiff_core.__path__, "specdiff_core.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    """The examples in the library's docstrings are exact values: they must stay true."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} fail"
