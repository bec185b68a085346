"""Per-key rate limits: a token bucket per API key, kept in memory (each API replica limits on its own)."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Bursts up to `burst` requests are allowed; a sustained flood above `per_second` is refused."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.rate, self.burst = per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[key_id] = (tokens - 1 if allowed else tokens, now)
            return allowed
