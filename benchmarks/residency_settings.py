"""Settings of the server bench_residency starts: the project's, with residency_urls."""

from cunzhi.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.residency_urls"
