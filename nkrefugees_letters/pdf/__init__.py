"""Lay out and write PDFs with reportlab: the letter, its fonts, envelopes and labels."""

from .rlimport import install

install()  # reportlab's paragraph module, when imported, starts faster (see rlimport)
