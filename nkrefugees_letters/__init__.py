"""nkletters: appeal letters for Save North Korean Refugees Day, ready to print and sign."""

from __future__ import annotations

__version__ = "0.1.0"
