"""Settings of the benchmarks' servers: the project's own, with bench_urls as the URLconf."""

from cunzhi.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"

# The benchmark's server renders pages (bench_pages) without a collectstatic run: plain static
# URLs instead of the manifest's hashed names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
