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
