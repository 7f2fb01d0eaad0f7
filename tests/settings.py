"""The test suite's settings: the development configuration of bulletin/settings.py.

DEBUG is off by default (a server started without configuration is a production one), so
the suite asks for the development defaults the way `make run` does; pytest-django still
runs each test with DEBUG off. tests/test_security.py loads the production configuration
on its own.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402, F403
