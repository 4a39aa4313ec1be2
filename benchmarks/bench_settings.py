"""Settings of the server bench_api starts: the project's own, with bench_urls as the URLconf."""

from cunzhi.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
