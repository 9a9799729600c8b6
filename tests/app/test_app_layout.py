"""The app's layout contract (app.py's docstring, "Add a page"): each file in pages/ is
one page in app.py's PAGES, named after its url path, and runs through_app() first, so a
first deep link on a fresh server lands on the page (the browser test checks the effect).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pages_in_app() -> dict[str, dict]:
    """{file: keyword arguments} of every st.Page(...) call in app.py."""
    found = {}
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            found[ast.literal_eval(node.args[0])] = kw
    return found


def test_every_page_file_is_a_page_named_after_its_url_path():
    pages = _pages_in_app()
    files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert sorted(pages) == files
    for file, kw in pages.items():
        stem = Path(file).stem
        if kw.get("default"):
            assert "url_path" not in kw, file  # the default page is the root, "/"
        else:
            assert kw["url_path"] == stem, f"{file} serves /{kw['url_path']}: rename one"


def test_every_page_goes_through_the_app_first():
    for path in sorted((ROOT / "pages").glob("*.py")):
        body = [
            n
            for n in ast.parse(path.read_text()).body
            if not isinstance(n, ast.Expr) or not isinstance(n.value, ast.Constant)
        ]  # skip the docstring
        first = next(n for n in body if not isinstance(n, (ast.Import, ast.ImportFrom)))
        assert ast.unparse(first) == "through_app()", (
            f"{path.name} starts with {ast.unparse(first)!r}"
        )


def test_a_deep_link_runs_through_the_app_after_another_session_left_v1_mode(tmp_path, monkeypatch):
    """Visitors opening deep links on a fresh server at the same moment: the first
    through_app() turns Streamlit's process-wide v1 flag off, and the others' pages, already
    started on their own, must still go through app.py (they raised KeyError 'seed' in the
    class load test). A session app.py has run in is left alone."""
    from types import SimpleNamespace

    import pytest
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from specdiff_app import boot

    main = tmp_path / "app.py"
    main.write_text("import builtins\nbuiltins._ran_app = True\n")
    ctx = SimpleNamespace(pages_manager=SimpleNamespace(main_script_path=str(main)))
    monkeypatch.setattr(boot, "get_script_run_ctx", lambda: ctx)
    state: dict = {}
    monkeypatch.setattr("streamlit.session_state", state)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)  # another session did it
    import builtins

    monkeypatch.setattr(builtins, "_ran_app", False, raising=False)
    with pytest.raises(StopException):
        boot.through_app()  # this session never ran app.py: it runs it now
    assert builtins._ran_app
    builtins._ran_app = False
    state[boot.MARK] = True
    boot.through_app()  # under app.py: nothing to do
    assert not builtins._ran_app
