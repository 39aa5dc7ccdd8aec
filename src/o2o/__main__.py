"""``python -m o2o`` runs the ``o2o`` command."""

import sys

from o2o.cli import main

if __name__ == "__main__":
    sys.exit(main())
