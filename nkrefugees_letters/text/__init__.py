"""The letter's words: templates rendered in Jinja2's sandbox into a LetterText."""
