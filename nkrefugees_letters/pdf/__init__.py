"""Lay out and write PDFs with reportlab: the letter, its fonts, envelopes and labels."""
