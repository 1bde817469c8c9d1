"""Write a synthetic corpus for load tests (``geo.synthetic.write_corpus``): articles whose
sentences each report one shelling of a distinct Ukrainian town on a distinct day, so N
sentences make N incidents.

    python bench/synthetic.py OUT_DIR [--incidents 10000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.synthetic import write_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()
    n = write_corpus(args.out_dir, incidents=args.incidents, gazetteer=Gazetteer.load())
    print(f"{n} articles in {args.out_dir}")


if __name__ == "__main__":
    main()
