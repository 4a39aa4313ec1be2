"""Settings of the server bench_attention starts: the project's, with attention_urls."""

from cunzhi.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.attention_urls"
