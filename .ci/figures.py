#!/usr/bin/env python3
"""Checks a size the README states against the size CI just measured.

The README is the one place the sizes are written: the table under "How it is shipped" (one
row per artefact, in MiB) and the image size in the opening list. CI measures the artefacts it
builds and calls this; a figure more than 0.2 MiB from the measurement fails the run, so the
docs cannot drift from what the build gives.

  python3 .ci/figures.py static-binary BYTES
  python3 .ci/figures.py image BYTES
"""

import re
import sys

ROWS = {
    "static-binary": r"^\| binary, fully static[^|]*\| ([0-9.]+) MiB \|",
    "image": r"^\| the image built from the Dockerfile[^|]*\| ([0-9.]+) MiB \|",
}
# The image's size is also in the opening list: "in a 3.9 MiB `FROM scratch` image".
OPENING = r"in a ([0-9.]+) MiB `FROM scratch` image"
TOLERANCE_MIB = 0.2


def stated(text, kind):
    figures = [float(m) for m in re.findall(ROWS[kind], text, re.M)]
    if kind == "image":
        figures += [float(m) for m in re.findall(OPENING, text)]
    return figures


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ROWS or not sys.argv[2].isdigit():
        sys.exit(f"usage: figures.py {{{'|'.join(ROWS)}}} BYTES")
    kind, size = sys.argv[1], int(sys.argv[2])
    with open("README.md", encoding="utf-8") as f:
        figures = stated(f.read(), kind)
    if not figures:
        sys.exit(f"figures: README.md states no {kind} size")
    mib = size / 1024 / 1024
    wrong = [f for f in figures if abs(f - mib) > TOLERANCE_MIB]
    if wrong:
        sys.exit(
            f"figures: README.md says the {kind} is {', '.join(f'{w} MiB' for w in wrong)}; "
            f"the build gives {size:,} bytes ({mib:.1f} MiB): update README.md"
        )
    print(f"figures: {kind} {size:,} bytes ({mib:.2f} MiB) matches README.md ({figures})")


if __name__ == "__main__":
    main()
