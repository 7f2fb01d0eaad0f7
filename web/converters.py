"""Path converters (importing this module registers <id:…>): ids in URLs are positive integers that fit the database's 64-bit keys.

Django's <int:…> matches any number of digits, and a lookup through a foreign key
(issue_id=2**63) overflows the database driver; an id out of range is simply no match (404).
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # no match: the URL resolves to nothing
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
