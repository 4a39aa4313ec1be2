"""Attachments: photos, scans and documents on any record (docs/kit.md).

``models`` (Attachment, the ``Attachable`` declaration), ``content`` (type by content, photo
cleaning), ``services`` (attachment_add, attachment_remove), ``selectors`` (attachments_of,
the record of an attachment), ``views`` and ``api`` (the two front doors).
"""
