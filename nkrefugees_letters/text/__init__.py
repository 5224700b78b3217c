"""The letter's words: templates rendered in Jinja2's sandbox into a LetterText.

The one package that imports Jinja2. :mod:`.templates` finds and compiles a template
file; :mod:`.render` fills it with a letter's values (:mod:`.values`) in the guarded
environment of :mod:`.sandbox` (with the filters of :mod:`.filters`) and parses the body
(:mod:`.markup`) into a :class:`~.lettertext.LetterText`, which the layout reads without
loading Jinja2.
"""
