"""Settings for `make bench`: production's code paths over plain HTTP on 127.0.0.1.

DEBUG is off (cached templates, no query log), static files come from the manifest,
and the cache is whatever CACHE_URL/REDIS_URL says, as in production.
"""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "bench-only-not-secret-commons-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
