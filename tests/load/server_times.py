"""Print the time gunicorn spent on each endpoint during a load test, from its access log.

    python tests/load/server_times.py GUNICORN_LOG     (run by tests/load/run.sh)

Locust's times include the wait for a free gunicorn worker; these do not (gunicorn's %(M)s, in
ms, from the request read to the response sent). A large gap between the two means the workers
were all busy (CPU, or requests waiting on a lock), not that the endpoint itself is slow.
The log lines are `"METHOD PATH PROTOCOL" STATUS MILLISECONDS` (the run's --access-logformat).
"""

import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) (?P<ms>\d+)$')
# The survey's link token and record ids vary; the endpoint is the same.
TOKEN = re.compile(r"^/s/[^/]+/")
NUMBER = re.compile(r"/\d+/")


def endpoint(method: str, path: str) -> str:
    """Return the method and the path with its token and ids replaced by placeholders."""
    path = TOKEN.sub("/s/<token>/", path.split("?", 1)[0])
    return f"{method} {NUMBER.sub('/<id>/', path)}"


def percentile(values: list[int], share: float) -> int:
    """Return the value below which the share of the sorted values lies (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Print count, p50, p95 and the mean of the server times per endpoint."""
    times: dict[str, list[int]] = defaultdict(list)
    for line in Path(sys.argv[1]).read_text(errors="replace").splitlines():
        found = LINE.search(line)
        if found and found["path"] != "/healthz":
            times[endpoint(found["method"], found["path"])].append(int(found["ms"]))
    if not times:
        print("gunicorn logged no request.")
        return
    width = max(len(name) for name in times)
    print("\nServer time per endpoint (gunicorn, ms; no wait for a free worker)")
    print(f"{'endpoint':<{width}} {'requests':>8} {'mean':>7} {'p50':>7} {'p95':>7}")
    for name, values in sorted(times.items()):
        print(
            f"{name:<{width}} {len(values):>8} {statistics.fmean(values):>7.0f} "
            f"{percentile(values, 0.5):>7} {percentile(values, 0.95):>7}"
        )


if __name__ == "__main__":
    main()
