"""O2O践行 course kit."""
__version__ = "0.1.0"
