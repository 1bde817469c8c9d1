"""Write a seeded corpus of distinct generated news articles for the scale benchmarks
(``geo.synthetic.generate`` says what they hold).

    python bench/generate.py OUT_DIR --articles 1000 [--seed 7]

writes ``OUT_DIR/*.txt`` and ``OUT_DIR/manifest.csv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.synthetic import generate, write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = generate(args.articles, Gazetteer.load(), seed=args.seed,
                        days=max(30, args.articles // 10))
    write(articles, args.out_dir)
    print(f"{len(articles)} articles in {args.out_dir}")


if __name__ == "__main__":
    main()
