"""`python -m scoring`: print scores (DATA_FORMAT.md, "Command-line contract")."""

import sys

from scoring.cli import main

sys.exit(main())
