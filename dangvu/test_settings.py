"""Settings for the test suite: production settings with a throwaway secret and fast static files."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "k" * 60)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from dangvu.settings import *  # noqa: E402,F403
from dangvu.settings import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
