"""The in-app inbox: events addressed to a person, and ``notify``, the one way to send them.

``models`` (Notification), ``services`` (notify, mark read), ``channels`` (where a notification
goes: the inbox now; SMS or WeChat later), ``views``, ``context_processors`` (the header's count).
"""
