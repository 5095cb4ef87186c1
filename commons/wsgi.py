import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings.production")

application = get_wsgi_application()

# What a worker loads at start lives as long as it does. Import every view now rather
# than on the first request, then take all of it out of the garbage collector's reach:
# a full collection otherwise walks some 200,000 long-lived objects (about 250 ms of CPU
# on 2 cores), and every so often a visitor's request pays for it.
get_resolver().url_patterns  # noqa: B018 (loads the URLconf and every view module)
gc.freeze()
