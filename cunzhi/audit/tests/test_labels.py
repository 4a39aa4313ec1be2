from __future__ import annotations

from django.utils import translation

from cunzhi.audit.labels import action_label


def test_an_action_reads_as_words_in_the_users_language_never_as_its_code() -> None:
    with translation.override("zh-hans"):
        assert action_label("registry.resident_set_tags") == "修改居民标签"
        assert (
            action_label("regions.clan.create") == action_label("regions.clan_create") == "添加宗族"
        )
        assert action_label("regions.villageprofile.update") == "修改村情概况"
        assert action_label("nosuch.thing_done") == "变更"
