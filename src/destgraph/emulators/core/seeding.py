"""Deterministic seed data: the same ``--seed`` gives the same ids, names and secrets every run."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Segment's ids are 22 characters of base58-like text (``fP7qoQw2HTWt9WdMr718gn``).
_KSUID_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class SeedOptions:
    seed: int = 1
    #: destinations per workspace
    destinations: int = 40

    def __post_init__(self) -> None:
        if self.destinations < 0:
            raise ValueError("destinations must not be negative")


class SeededRandom(random.Random):
    """``random.Random`` with the id and value shapes the vendors use."""

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def segment_id(self) -> str:
        return "".join(self.choice(_KSUID_ALPHABET) for _ in range(22))

    def hex_id(self, length: int = 24) -> str:
        return "".join(self.choice("0123456789abcdef") for _ in range(length))

    def secret(self, prefix: str = "", length: int = 32) -> str:
        """A fake secret: recognisable in tests, never a real vendor key."""
        return prefix + "".join(self.choice(string.ascii_letters + string.digits) for _ in range(length))

    def moment_before(self, now: datetime, *, max_days: int = 365) -> datetime:
        return (now - timedelta(seconds=self.randint(60, max_days * 86400))).replace(microsecond=0)


#: Product words seeded destination names are made of ("Marketing Amplitude (EU)").
NAME_PREFIXES = (
    "Marketing",
    "Growth",
    "Product",
    "Data Team",
    "Lifecycle",
    "Paid Social",
    "Analytics",
    "Web",
    "Mobile",
    "Checkout",
    "Retention",
    "Sales Ops",
    "Support",
    "Warehouse",
)
NAME_SUFFIXES = ("", "", "", " (EU)", " (US)", " - staging", " - prod", " v2", " backup")


def destination_name(rng: random.Random, product: str) -> str:
    return f"{rng.choice(NAME_PREFIXES)} {product}{rng.choice(NAME_SUFFIXES)}"
