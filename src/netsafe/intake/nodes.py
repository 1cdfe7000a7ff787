"""One view of a report document whether it came as XML or JSON, so one builder reads both.

A `Node` is an element (XML) or an object (JSON) with its path in the document, written like
XPath (`reports/report[2]/fileDetails[1]/originalFileHash`), which every refusal names.
"""

from __future__ import annotations

from typing import Any, Protocol
from xml.etree.ElementTree import Element


class Node(Protocol):
    """An element of a report document."""

    @property
    def path(self) -> str: ...

    def children(self, name: str) -> list[Node]:
        """The child elements called `name`, in document order."""
        ...

    def text(self) -> str | None:
        """The element's own text, stripped (None when empty or absent)."""
        ...

    def attribute(self, name: str) -> str | None:
        """An XML attribute (JSON: a key beside `value`)."""
        ...


def _step(parent: str, name: str, index: int, count: int) -> str:
    step = name if count == 1 else f"{name}[{index + 1}]"
    return f"{parent}/{step}" if parent else step


def local_name(tag: str) -> str:
    """An element's name without its namespace (`{urn:…}report` → `report`)."""
    return tag.rsplit("}", 1)[-1]


class XmlNode:
    """An XML element (from defusedxml's ElementTree). Its path is written when first asked
    for (an error's): a report has thousands of elements and most are read without one."""

    __slots__ = ("_by_name", "_count", "_element", "_index", "_name", "_parent", "_path")

    def __init__(
        self,
        element: Element,
        path: str | None,
        parent: XmlNode | None = None,
        step: tuple[str, int, int] = ("", 0, 1),
    ) -> None:
        self._element = element
        self._path = path
        self._parent = parent
        self._name, self._index, self._count = step
        self._by_name: dict[str, list[Element]] | None = None

    @property
    def path(self) -> str:
        if self._path is None:
            parent = "" if self._parent is None else self._parent.path
            self._path = _step(parent, self._name, self._index, self._count)
        return self._path

    def children(self, name: str) -> list[Node]:
        if self._by_name is None:  # the builder asks for many names: sort the children once
            self._by_name = {}
            for child in self._element:
                self._by_name.setdefault(local_name(child.tag), []).append(child)
        found = self._by_name.get(name)
        if not found:
            return []
        count = len(found)
        return [XmlNode(c, None, self, (name, i, count)) for i, c in enumerate(found)]

    def text(self) -> str | None:
        return (self._element.text or "").strip() or None

    def attribute(self, name: str) -> str | None:
        value = self._element.get(name)
        return value.strip() if value and value.strip() else None


class JsonNode:
    """A JSON value in the same structure: objects for elements, lists for repeated ones, a
    scalar (or an object's `value`) for text, other keys of such an object for attributes."""

    def __init__(self, value: Any, path: str) -> None:
        self._value = value
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def children(self, name: str) -> list[Node]:
        if not isinstance(self._value, dict) or self._value.get(name) is None:
            return []
        value = self._value[name]
        items = value if isinstance(value, list) else [value]
        return [
            JsonNode(item, _step(self._path, name, i, len(items)))
            for i, item in enumerate(items)
            if item is not None
        ]

    def text(self) -> str | None:
        value = self._value
        if isinstance(value, dict):
            value = value.get("value")
        if value is None or isinstance(value, dict | list):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value).strip() or None

    def attribute(self, name: str) -> str | None:
        if not isinstance(self._value, dict):
            return None
        value = self._value.get(name)
        return None if value is None else (str(value).strip() or None)
