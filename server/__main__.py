"""``python -m codeward.server`` runs the command line (``python -m codeward.server lsp``)."""

import sys

from codeward.server.cli import main

sys.exit(main())
