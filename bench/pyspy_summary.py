"""Summarize a py-spy "raw" (collapsed stacks) profile: where the gunicorn workers spent their samples.

    .venv/bin/python bench/pyspy_summary.py bench/results/profile-CategoryListing.txt [--top 25]

run.py writes these files when BENCH_PROFILE=1 (py-spy samples every worker during the
measured run). "inclusive" counts a function once per sample it appears in (itself or
anything it called); "self" counts samples where it was the innermost frame. Frames are
shown as module:function, so the table reads the same across line-number changes.
"""
import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _name(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path.removesuffix('.py')}:{match['func']}"


def summarize(text: str, top: int = 25) -> str:
    inclusive, self_time, total = Counter(), Counter(), 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_name(f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        total += n
        for name in set(frames):
            inclusive[name] += n
        if frames:
            self_time[frames[-1]] += n
    if not total:
        return "no samples"
    out = [f"{total} samples", "", "inclusive (marketplace code and the libraries it calls into):"]
    shown = [(name, n) for name, n in inclusive.most_common() if not name.startswith(("gunicorn/", "threading:",
                                                                                     "<module>", "wsgi:"))]
    out += [f"  {n / total:6.1%}  {name}" for name, n in shown[:top]]
    out += ["", "self (innermost frame):"]
    out += [f"  {n / total:6.1%}  {name}" for name, n in self_time.most_common(top)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(summarize(Path(args.path).read_text(), args.top))


if __name__ == "__main__":
    main()
