"""Make the benchmark modules (``benchmarks/*.py``) importable for these tests.

Only the ``benchmarks/`` folder itself is put on ``sys.path`` (never the repo
root, so the top-level ``checks``/``server`` folders stay unimportable).
"""

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
