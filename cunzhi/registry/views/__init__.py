"""The household register's pages: the village register, households, residents, key people.

Reads go through ``cunzhi.registry.selectors`` (scoped, personal numbers masked); each form
page validates a form and calls one service. Outside the reader's scope a record is a 404;
inside it, an action the reader may not take is a 403 (DESIGN rule 2).

One module a kind of page; ``registry/urls.py`` names each view by its module."""
