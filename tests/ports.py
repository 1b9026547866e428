"""Test ports, shifted by TEST_PORT_OFFSET so that several checkouts can run their tests at once.

Every port a test listens on is written as ``port(n)`` with n between 15000 and 19999;
offsets of 10000, 20000, ... keep parallel runs apart.
"""

from __future__ import annotations

import os

OFFSET = int(os.environ.get("TEST_PORT_OFFSET", "0"))


def port(number: int) -> int:
    return number + OFFSET
