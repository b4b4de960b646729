"""``python -m codeward``: the same command line as the ``codeward`` script."""

import sys

from codeward.server.cli import main

sys.exit(main())
