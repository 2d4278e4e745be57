"""The solver's rule families, one module each, mirroring check/families/; the registry
that lists them in build order is solve/model.py's FAMILIES."""
