"""O2O践行 course kit: synthetic Meiyijia-style data, scenes and the 5W evaluation.

>>> import o2o
>>> ds = o2o.load()          # doctest: +SKIP
"""

import sys as _sys

__version__ = "0.1.0"

# Displaying a plotly figure imports nbformat, which imports jsonschema, which on import compiles
# about forty grammars of its optional helper package rfc3987-syntax: some 2.5 s of CPU in every
# kernel, more than most lessons' whole computation. The kit never validates IRI formats, so it
# tells Python that optional package is absent (jsonschema then simply skips that one format check).
# setdefault: a process that has already imported it keeps it.
_sys.modules.setdefault("rfc3987_syntax", None)


def load(path=None, validate: bool = True, variant: str | None = None, secret_file=None):
    """Open the course dataset (default: ``datasets/default``).

    ``variant=None``: the shared base case every lesson uses. ``variant="own"``: this server's student's
    own variant (an assignment's notebook; the hub sets ``O2O_VARIANT_KEY`` per student, ``o2o grade`` per
    submission; the base case when variants are off). ``variant="<student id>"`` with the course secret:
    the instructor opening that student's variant. See :mod:`o2o.data.variants`.
    """
    from .data.variants import load as _load  # lazy: `import o2o` (so every `o2o.errors` import) stays free of pandas

    return _load(path, validate=validate, variant=variant, secret_file=secret_file)
