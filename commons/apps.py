from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("Commons")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commons import lookups
        from commons.cache import watch_writes
        from commons.search_index import reindex_on_publish

        lookups.register()
        watch_writes()
        reindex_on_publish()
