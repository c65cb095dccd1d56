"""``python -m cnndemo``: see :mod:`cnndemo.cli`."""

import sys

from cnndemo.cli import main

sys.exit(main())
