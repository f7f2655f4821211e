"""Where the system Chromium is (Debian's ``chromium``): the browser tests and the guide's
screenshots drive it with Playwright; Playwright's own browser download is not used.
No Django import here: the browser tests' conftest reads it before Django is set up."""

import os
import shutil
from pathlib import Path


def chromium_path() -> str | None:
    system = Path("/usr/bin/chromium")
    if system.is_file() and os.access(system, os.X_OK):
        return str(system)
    return shutil.which("chromium")
