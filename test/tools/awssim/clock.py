"""Sim time: frozen unless advanced, or real time x factor; and the time formats AWS uses."""
from __future__ import annotations

import calendar
import time


def amz_date(epoch: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def iso8601(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def http_date(epoch: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(epoch))


def parse_amz_date(value: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ")))
    except (ValueError, TypeError):
        return None


def epoch3(value: float) -> float:
    return round(value, 3)


class SimClock:
    """Simulation time: frozen unless advanced, or running at real time x factor."""

    def __init__(self, factor: float = 0.0) -> None:
        self.m_anchor_real = time.monotonic()
        self.m_anchor_sim = round(time.time(), 3)
        self.m_factor = factor

    def now(self) -> float:
        return self.m_anchor_sim + (time.monotonic() - self.m_anchor_real) * self.m_factor

    def set_factor(self, factor: float) -> None:
        self.m_anchor_sim = self.now()
        self.m_anchor_real = time.monotonic()
        self.m_factor = factor

    def advance(self, seconds: float) -> None:
        self.m_anchor_sim += seconds

    def wall_of(self, sim_time: float) -> float | None:
        """The wall-clock moment (time.time()) at which the sim clock showed sim_time, if it runs."""
        if self.m_factor <= 0:
            return None
        return time.time() - (self.now() - sim_time) / self.m_factor
