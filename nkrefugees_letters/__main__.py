"""Allows ``python -m nkrefugees_letters``."""

from .cli import main

main()
