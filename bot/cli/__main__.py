"""`python -m bot.cli`: the `kimbot` command without its installed script."""

import sys

from bot.cli import main

sys.exit(main())
