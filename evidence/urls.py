from . import export_urls

urlpatterns = [*export_urls.urlpatterns]
