"""Runtime hook: give the windowed Windows exe somewhere to write.

PyInstaller's windowed bootloader leaves ``sys.stdout`` and ``sys.stderr`` as ``None``;
argparse's ``--version``/``--help`` and the smoke test would then fail on ``write``. Text
sent there is dropped (officers who want it use ``kjdesk-cli.exe``).
"""

import os
import sys

if sys.stdout is None:
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
