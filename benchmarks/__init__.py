"""Benchmarks: commands that time the project against baselines measured in the same run
and end with ``target: ...: met|missed`` lines. Not part of the library (nothing in
``specdiff_core`` imports them); the CLI's ``bench`` commands run them from here.

- ``resistance``, ``diffusion``, ``cost``, ``protocol``: ``python -m specdiff_core bench NAME``
- ``app_speed``: the app in chromium (``python benchmarks/app_speed.py``)
- ``load_test``: a classroom of 30 (``python benchmarks/load_test.py``)
"""
