"""Mapping of list categories (VICS numbers, words in CSV files) to NetSafe categories.

The default is `default-category-map.toml` next to this module; its numbering is an assumption
(UK CAID-style: 1-3 are A-C) documented in docs/examiner.md. `--category-map FILE` replaces it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from netsafe.categories import Category
from netsafe.hashlists.errors import EntryError

DEFAULT_CATEGORY_MAP_PATH = Path(__file__).with_name("default-category-map.toml")


def _word(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class CategoryMap:
    """VICS numbers and category words to `Category`; `resolve()` is called once per entry."""

    numeric: dict[int, Category]
    names: dict[str, Category] = field(default_factory=dict)
    #: The fast path of `resolve`: VICS numbers straight to category values.
    values_by_number: dict[object, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for category in Category:
            self.names.setdefault(_word(category.value), category)
        values = {n: c.value for n, c in self.numeric.items()}
        object.__setattr__(self, "values_by_number", values)

    @classmethod
    def load(cls, path: Path | None = None) -> CategoryMap:
        """Read a map file (the default when `path` is None); raise ValueError naming a bad key."""
        source = path or DEFAULT_CATEGORY_MAP_PATH
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"category map {source}: {error}") from error
        numeric: dict[int, Category] = {}
        names: dict[str, Category] = {}
        for section in ("numeric", "names"):
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise ValueError(f"category map {source}: [{section}] must be a table")
            for key, value in table.items():
                try:
                    category = Category(str(value))
                except ValueError:
                    raise ValueError(
                        f"category map {source}: [{section}] {key} = {value!r} is not one of "
                        + ", ".join(c.value for c in Category)
                    ) from None
                if section == "numeric":
                    if not key.strip().lstrip("-").isdigit():
                        raise ValueError(
                            f"category map {source}: [numeric] key {key!r} not a number"
                        )
                    numeric[int(key)] = category
                else:
                    names[_word(key)] = category
        return cls(numeric=numeric, names=names)

    def resolve(self, value: object, field_name: str = "Category") -> str:
        """The category value for `value` (a number, digits, or a word); EntryError if unknown."""
        if value is None:
            return Category.UNGRADED.value
        if isinstance(value, int) and not isinstance(value, bool):
            found = self.numeric.get(value)
        elif isinstance(value, str):
            text = value.strip()
            if not text:
                return Category.UNGRADED.value
            if text.lstrip("-").isdigit():
                found = self.numeric.get(int(text))
            else:
                found = self.names.get(_word(text))
        else:
            found = None
        if found is None:
            raise EntryError(field_name, f"unknown category {value!r}: {_how_to_map(value)}")
        return found.value

    def number_of(self, category: str) -> int | None:
        """The VICS number to write for `category`: the lowest mapped to it, None if none is."""
        numbers = sorted(n for n, c in self.numeric.items() if c.value == category)
        return numbers[0] if numbers else None


def _how_to_map(value: object) -> str:
    """How to map an unknown category: the map file's line for it."""
    text = str(value).strip()
    numeric = isinstance(value, int) or text.lstrip("-").isdigit()
    line = (
        f'{text} = "..." to its numeric table'
        if numeric
        else f'"{text}" = "..." to its names table'
    )
    choices = ", ".join(category.value for category in Category)
    return (
        f"copy the category map ({DEFAULT_CATEGORY_MAP_PATH}), add {line} (one of {choices}) "
        "and import again with --category-map FILE"
    )
