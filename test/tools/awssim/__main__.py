"""Entry point: ``python3 test/tools/awssim [--port 0] [--upstream URL] [--time-factor F] [--buckets off|aws] [--lifetime S]``."""
import os
import sys

if not __package__:
    # Run as a directory (python3 test/tools/awssim): make the package importable.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from awssim.server import main  # noqa: E402

sys.exit(main())
