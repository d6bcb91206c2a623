"""Clicks per url in 60 s tumbling event-time windows with 30 s of grace, emitted once per window
when it closes. Pure logic, no Kafka: main.py feeds it records and writes what it returns."""

import json
import math
from dataclasses import dataclass, field
from typing import Literal

WINDOW_MS = 60_000
GRACE_MS = 30_000
CONTROL_KEY = "__ctl__"
MAX_SAFE_INTEGER = 2**53 - 1  # same event-time range as the TypeScript solution

Kind = Literal["counted", "late", "control", "malformed"]


@dataclass(frozen=True)
class Click:
    event_id: str
    user_id: str
    url: str
    ts: int


@dataclass(frozen=True)
class Control:
    ts: int


@dataclass(frozen=True)
class WindowCount:
    """One output row: the final count of one url in one window [window_start, window_end)."""

    url: str
    window_start: int
    window_end: int
    count: int

    def key(self) -> str:
        return f"{self.url}|{self.window_start}"

    def value(self) -> str:
        row = {"url": self.url, "window_start": self.window_start, "window_end": self.window_end, "count": self.count}
        return json.dumps(row, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Handled:
    """What one input record was (`late`: copy it unchanged to the late topic), and the windows it closed."""

    kind: Kind
    closed: list[WindowCount] = field(default_factory=list)


def window_start(ts: int) -> int:
    """Epoch-aligned start of the window holding ts (Python's % floors, so negative times work too)."""
    return ts - ts % WINDOW_MS


def _reject_constant(name: str) -> None:
    # JSON has no NaN or Infinity; Python's parser would accept them.
    raise ValueError(f"{name} is not JSON")


def _parse_object(value: str | None) -> dict | None:
    if value is None:
        return None
    try:
        parsed = json.loads(value, parse_constant=_reject_constant)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _event_time(ts: object) -> int | None:
    """Integer epoch milliseconds, or None. 1.7e12 is accepted as JavaScript's JSON.parse would."""
    if isinstance(ts, bool) or not isinstance(ts, (int, float)):
        return None
    if isinstance(ts, float) and not (math.isfinite(ts) and ts.is_integer()):
        return None
    return int(ts) if abs(ts) <= MAX_SAFE_INTEGER else None


def parse_record(key: str | None, value: str | None) -> Click | Control | None:
    """Classifies a record by its key and value: a click, a control record, or None (malformed)."""
    obj = _parse_object(value)
    if obj is None:
        return None
    ts = _event_time(obj.get("ts"))
    if key == CONTROL_KEY:
        return Control(ts) if obj.get("type") in ("tick", "flush") and ts is not None else None
    event_id, user_id, url = obj.get("event_id"), obj.get("user_id"), obj.get("url")
    if not (isinstance(event_id, str) and isinstance(user_id, str) and isinstance(url, str)) or ts is None:
        return None
    return Click(event_id, user_id, url, ts)


class ClickWindows:
    def __init__(self) -> None:
        # The largest ts seen so far, from clicks and control records of every partition.
        self._stream_time = -math.inf
        # Counts of the windows still open: window start -> url -> count.
        self._open: dict[int, dict[str, int]] = {}

    def handle(self, key: str | None, value: str | None) -> Handled:
        record = parse_record(key, value)
        if record is None:
            return Handled("malformed")
        if isinstance(record, Control):
            return Handled("control", self._advance_to(record.ts))
        start = window_start(record.ts)
        # Late is judged against stream time before this event; its own ts can never close its own window.
        if self._is_closed(start):
            return Handled("late")
        counts = self._open.setdefault(start, {})
        counts[record.url] = counts.get(record.url, 0) + 1
        return Handled("counted", self._advance_to(record.ts))

    def _is_closed(self, start: int) -> bool:
        return self._stream_time >= start + WINDOW_MS + GRACE_MS

    def _advance_to(self, ts: int) -> list[WindowCount]:
        """Moves stream time forward (never back); removes and returns every window that closed."""
        if ts <= self._stream_time:
            return []
        self._stream_time = ts
        closed = [start for start in self._open if self._is_closed(start)]
        return [
            WindowCount(url, start, start + WINDOW_MS, count)
            for start in sorted(closed)
            for url, count in self._open.pop(start).items()
        ]
