"""The model of ``playbooks/secrets.yaml``: which names say a value is a secret.

Apart from :mod:`migrate_tui.masking`, which every command imports: the model is built (and
pydantic imported) only when a value is first masked, so ``config`` starts without it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SecretNames(BaseModel):
    """``playbooks/secrets.yaml``: which names say a value is a secret."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    words: list[str]
    """A name holding one of these as a whole word names a secret."""
    anywhere: list[str]
    """A name holding one of these anywhere names a secret."""
    shown_values: list[str]
    """A value starting with one of these is a reference to a secret, shown as it is."""
