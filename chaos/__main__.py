"""``make chaos``: the reliability campaign. ``python -m chaos --help`` for its options."""

import sys

from chaos.campaign import main

sys.exit(main(sys.argv[1:]))
