"""pkm: Seek > Sense > Share, a personal knowledge desktop app."""

__version__ = "0.1.0"

import logging as _logging

# Library-style: nothing reaches stderr unless a front end attaches a handler
# (the CLI and the GUI log to <data folder>/logs/pkm.log).
_logging.getLogger("pkm").addHandler(_logging.NullHandler())
