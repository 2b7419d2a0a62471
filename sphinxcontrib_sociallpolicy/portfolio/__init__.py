"""The portfolio: many schools' policies checked together, for a trust or a local
authority (``sociallpolicy portfolio``). :mod:`.schema` is the shape of
``portfolio.json``."""
