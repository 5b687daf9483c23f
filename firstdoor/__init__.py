"""firstdoor: a static site generator that tells families about magnet schools in their language."""

__version__ = "0.1.0"
