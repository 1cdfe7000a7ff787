"""The helpline's details: what a warning and the public help page tell people."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NAME = "Confidential helpline"
DEFAULT_MESSAGE = (
    "Searching for, viewing or sharing sexual images of children is illegal and causes real harm "
    "to real children. If you are worried about your thoughts or behaviour, confidential and "
    "anonymous help is available — you can stop, and we can help."
)


@dataclass(frozen=True, slots=True)
class HelplineDetails:
    """What a warning and the help page tell people: how to reach the helpline."""

    name: str = DEFAULT_NAME
    phone: str | None = None
    chat_url: str | None = None
    web_url: str | None = None
    hours: str | None = None
    message: str = DEFAULT_MESSAGE

    def as_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "phone": self.phone,
            "chat_url": self.chat_url,
            "web_url": self.web_url,
            "hours": self.hours,
        }
