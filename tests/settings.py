"""Settings for the test suite: the site's own settings with DEBUG and SECRET_KEY set.

The site refuses to start without both (secor/settings.py); the suite sets them
here, explicitly, instead of the site falling back to a committed key.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-9f2c4e7a1b8d3f6e0a5c2b9d4e7f1a3c")

from secor.settings import *  # noqa: E402, F403
