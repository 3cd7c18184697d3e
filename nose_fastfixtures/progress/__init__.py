"""Pure parts of the ``--with-progressive`` reporter: formatting, tracebacks, the screen, the tally."""
