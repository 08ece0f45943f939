"""The script PyInstaller starts in the bundle: the same entry point as ``kjdesk`` from pip."""

import sys

from kjdesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
