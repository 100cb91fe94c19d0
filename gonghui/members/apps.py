from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = "会员与家庭"

    def ready(self) -> None:
        from gonghui.orgs.merging import follow_merges

        from .services.registry import members_move_after_merge

        follow_merges("members", members_move_after_merge)
