"""Write src/minutesearch/data/sv_ord.txt.gz: the Swedish word list the decompounder splits with.

Derived from wordfreq 3.1.1's `large_sv` list (data: CC BY-SA 4.0, see sv_ord.LICENSE.txt).
Only the words are kept, most frequent first, down to Zipf frequency ZIPF_FLOOR (about three per
ten million words): alphabetic, three letters or more. The list ships with the package, so
nothing is downloaded at run time; rerun this script (with wordfreq's wheel at hand) to refresh it:

    pip download --no-deps wordfreq==3.1.1 msgpack -d /tmp/wf
    python scripts/build_sv_words.py /tmp/wf/wordfreq-3.1.1-py3-none-any.whl
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

ZIPF_FLOOR = 2.5
MEMBER = "wordfreq/data/large_sv.msgpack.gz"
OUT = Path(__file__).resolve().parent.parent / "src" / "minutesearch" / "data" / "sv_ord.txt.gz"
WORD = re.compile(r"^[a-zåäöéü]{3,}$")


def words(wheel: Path) -> list[str]:
    """The kept words of wordfreq's Swedish list, most frequent first."""
    import msgpack  # only needed to refresh the list, not by minutesearch

    with zipfile.ZipFile(wheel) as z, gzip.open(io.BytesIO(z.read(MEMBER))) as packed:
        data = msgpack.load(packed, raw=False)
    header, bins = data[0], data[1:]
    if header.get("format") != "cB":
        raise SystemExit(f"{wheel}: unexpected wordfreq format {header!r}")
    last = int((9 - ZIPF_FLOOR) * 100)  # bin n holds words of frequency 10^(-n/100)
    return [w for b in bins[: last + 1] for w in b if WORD.match(w)]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    kept = words(Path(sys.argv[1]))
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:  # mtime 0: the same list gives the same bytes
        f.write(("\n".join(kept) + "\n").encode("utf-8"))
    print(f"{OUT}: {len(kept)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
