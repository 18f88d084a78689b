"""The secret fields of a plugin's configuration: sealed at rest, never shown.

A plugin declares a secret as a pydantic ``SecretStr`` field (an API key). When a tenant enables
or configures the plugin, each secret is sealed (``membership.sealing``, for the tenant and
``plugin:<name>``) into the stored configuration's ``$secrets``, and its place in the stored
configuration holds only a hint (``••••`` and its last four characters). ``plugins``, the admin's
form and the audit log see the hint; the plugin's own reads (``plugin_config``) get the secret.
Sending a configuration back with a secret's hint (or without the field) keeps the secret stored.
"""

from __future__ import annotations

import base64
import copy
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from membership.sealing import open_sealed, seal

__all__ = ["HINT", "keep_stored_secrets", "open_config", "seal_config", "shown_config"]

HINT = "••••"
SEALED = "$secrets"
MARK = "$secret"

Path = tuple[str, ...]


def _secrets(value: object, path: Path, found: dict[Path, str]) -> None:
    if isinstance(value, SecretStr):
        found[path] = value.get_secret_value()
    elif isinstance(value, SecretBytes):
        found[path] = value.get_secret_value().decode()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _secrets(getattr(value, name), (*path, name), found)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _secrets(item, (*path, str(index)), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _secrets(item, (*path, str(key)), found)


def _put(tree: Any, path: Path, value: object) -> None:
    for part in path[:-1]:
        tree = tree[int(part)] if isinstance(tree, list) else tree[part]
    if isinstance(tree, list):
        tree[int(path[-1])] = value
    else:
        tree[path[-1]] = value


def _get(tree: Any, path: Path) -> Any:
    for part in path:
        if isinstance(tree, list):
            index = int(part) if part.isdigit() else -1
            if not 0 <= index < len(tree):
                return None
            tree = tree[index]
        elif isinstance(tree, dict):
            tree = tree.get(part)
        else:
            return None
    return tree


def seal_config(tenant_id: uuid.UUID, plugin: str, model: BaseModel) -> dict[str, Any]:
    """The configuration as stored: plain JSON, each secret replaced by its hint, and the
    secrets sealed under ``$secrets``."""
    stored: dict[str, Any] = model.model_dump(mode="json")
    found: dict[Path, str] = {}
    _secrets(model, (), found)
    for path, secret in found.items():
        _put(stored, path, {MARK: HINT + secret[-4:]})
    if found:
        sealed = seal(tenant_id, f"plugin:{plugin}", {"/".join(p): v for p, v in found.items()})
        stored[SEALED] = base64.b64encode(sealed).decode()
    return stored


def _opened(tenant_id: uuid.UUID, plugin: str, stored: Mapping[str, Any]) -> dict[Path, str]:
    sealed = stored.get(SEALED)
    if not isinstance(sealed, str):
        return {}
    values = open_sealed(tenant_id, f"plugin:{plugin}", base64.b64decode(sealed))
    return {tuple(path.split("/")): value for path, value in values.items()}


def open_config(tenant_id: uuid.UUID, plugin: str, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration with its secrets, for the plugin's model."""
    config = copy.deepcopy({k: v for k, v in stored.items() if k != SEALED})
    for path, secret in _opened(tenant_id, plugin, stored).items():
        _put(config, path, secret)
    return config


def shown_config(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration as people see it: every secret as its hint."""

    def show(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {MARK}:
                return value[MARK]
            return {k: show(v) for k, v in value.items() if k != SEALED}
        if isinstance(value, list):
            return [show(v) for v in value]
        return value

    shown: dict[str, Any] = show(dict(stored))
    return shown


def keep_stored_secrets(
    tenant_id: uuid.UUID, plugin: str, stored: Mapping[str, Any], given: Mapping[str, Any]
) -> dict[str, Any]:
    """``given`` with each stored secret put back where it came back as its hint or not at all."""
    config = copy.deepcopy(dict(given))
    for path, secret in _opened(tenant_id, plugin, stored).items():
        sent = _get(config, path)
        parent = _get(config, path[:-1]) if len(path) > 1 else config
        if (sent is None or (isinstance(sent, str) and sent.startswith(HINT))) and isinstance(
            parent, dict | list
        ):
            _put(config, path, secret)
    return config
