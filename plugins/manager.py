"""Finding plugins (entry points) and asking them what they bring: one registry per process.

Plugins are loaded once, at first use. Each plugin is taken whole or not at all: one whose
manifest does not accept this platform's version, whose hooks raise while it is asked, or that
brings something malformed or already taken by another plugin (a rule kind, a provider, a step
type, a GraphQL field) is *refused*, with a message naming it, and the platform goes on without
it. Refusals are logged at start-up and shown on the admin's plugin page. Only the platform's own
plugin is indispensable: without it nothing starts.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
import structlog
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from membership.messages import add_translations
from plugins import hookspecs
from plugins.admin_pages import MODULE, PATH, AdminPage
from plugins.channels import ChannelProvider
from plugins.earning import EarningRuleKind
from plugins.event_handlers import EventHandler
from plugins.hookspecs import PROJECT, PluginManifest
from plugins.http_routes import PATH as ROUTE_PATH
from plugins.http_routes import PluginRoute
from plugins.jobs import PluginCron, PluginJob
from plugins.journey_steps import JourneyAction, JourneyTrigger
from plugins.schema_additions import GraphQLAdditions
from plugins.tables import PluginMigration

__all__ = [
    "CORE_PLUGIN",
    "ENTRY_POINT_GROUP",
    "LoadedPlugins",
    "PluginError",
    "also_installed",
    "build",
    "core_version",
    "loaded_plugins",
    "refuse",
]

log = structlog.get_logger("membership.plugins")

ENTRY_POINT_GROUP = "membership.plugins"
CORE_PLUGIN = "membership-core"
_PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_KIND_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_PROVIDER_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_LOCAL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ACTION_NAME = re.compile(r"^[a-z][A-Za-z0-9]{0,39}$")
EXTENSIBLE_TYPES = ("Member", "Order")  # the platform's types plugins may add fields to
_MIGRATION_ID = re.compile(r"^[0-9]{4}_[a-z0-9_]{1,60}$")


class PluginError(RuntimeError):
    """An installed plugin cannot be used."""


@dataclass
class LoadedPlugins:
    """What the usable plugins bring, each piece with the entry-point name of its plugin."""

    manager: pluggy.PluginManager
    manifests: dict[str, PluginManifest] = field(default_factory=dict)
    modules: dict[str, ModuleType] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)  # plugin -> its distribution
    refused: dict[str, str] = field(default_factory=dict)  # entry-point name -> why
    earning_rule_kinds: dict[str, EarningRuleKind] = field(default_factory=dict)
    kind_plugins: dict[str, str] = field(default_factory=dict)  # kind -> plugin
    channel_providers: dict[str, ChannelProvider] = field(default_factory=dict)
    provider_plugins: dict[str, str] = field(default_factory=dict)
    graphql: dict[str, GraphQLAdditions] = field(default_factory=dict)
    migrations: dict[str, tuple[PluginMigration, ...]] = field(default_factory=dict)
    jobs: dict[tuple[str, str], PluginJob] = field(default_factory=dict)  # (plugin, name)
    crons: dict[tuple[str, str], PluginCron] = field(default_factory=dict)
    event_handlers: dict[tuple[str, str], EventHandler] = field(default_factory=dict)
    journey_triggers: dict[str, tuple[str, JourneyTrigger]] = field(default_factory=dict)
    journey_actions: dict[str, tuple[str, JourneyAction]] = field(default_factory=dict)
    admin_pages: dict[str, tuple[AdminPage, ...]] = field(default_factory=dict)
    http_routes: dict[str, tuple[PluginRoute, ...]] = field(default_factory=dict)
    presets: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def title(self, name: str) -> str:
        manifest = self.manifests[name]
        return manifest.title or manifest.name

    def asset_folder(self, name: str) -> Path | None:
        """Where a plugin's admin page modules live: its module's folder."""
        module = self.modules.get(name)
        source = getattr(module, "__file__", None)
        return Path(source).parent if source else None


def core_version() -> str:
    try:
        return metadata.version("membership")
    except metadata.PackageNotFoundError:
        return "0"


def _manifest(name: str, plugin: ModuleType) -> PluginManifest:
    if not _PLUGIN_NAME.match(name):
        raise PluginError(
            f"plugin {name!r}: an entry-point name has 2 to 40 lower-case letters, digits or '-'"
        )
    manifest = getattr(plugin, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(f"plugin {name!r} has no MANIFEST (plugins.hookspecs.PluginManifest)")
    try:
        accepted = SpecifierSet(manifest.core)
    except InvalidSpecifier as exc:
        raise PluginError(f"plugin {name!r}: core range {manifest.core!r} is not PEP 440") from exc
    if Version(core_version()) not in accepted:
        raise PluginError(
            f"plugin {name!r} {manifest.version} needs membership {manifest.core}, "
            f"this is {core_version()}"
        )
    return manifest


def _asked(manager: pluggy.PluginManager, plugin: str, hook: str) -> list[Any]:
    """What one plugin's implementation of ``hook`` returns (a list; empty when it has none)."""
    caller = getattr(manager.hook, hook)
    answers: list[Any] = []
    for impl in caller.get_hookimpls():
        if impl.plugin_name != plugin:
            continue
        try:
            answer = impl.function()
        except Exception as exc:  # a plugin's bug must not stop the platform
            raise PluginError(f"plugin {plugin!r}: {hook} raised {exc!r}") from exc
        if isinstance(answer, GraphQLAdditions):
            answers.append(answer)
        elif answer is not None:
            answers.extend(answer)
    return answers


class _Claims:
    """Names taken so far, by whom: a second plugin claiming one is refused."""

    def __init__(self) -> None:
        self.owners: dict[tuple[str, str], str] = {}

    def check(self, plugin: str, what: str, names: Iterable[str]) -> None:
        seen: set[str] = set()
        for name in names:
            owner = self.owners.get((what, name))
            if owner is not None or name in seen:
                raise PluginError(
                    f"{what} {name} comes from both {owner or plugin!r} and {plugin!r}"
                )
            seen.add(name)

    def take(self, plugin: str, what: str, names: Iterable[str]) -> None:
        for name in names:
            self.owners[(what, name)] = plugin


def _strawberry_fields(cls: type) -> list[str]:
    definition = getattr(cls, "__strawberry_definition__", None)
    if definition is None:
        raise PluginError(f"{cls.__qualname__} is not a strawberry type")
    return [f.name for f in definition.fields]


def _collect(
    loaded: LoadedPlugins, claims: _Claims, name: str, manifest: PluginManifest
) -> Callable[[], None]:
    """Ask one plugin everything; return how to keep what it brought (or raise PluginError)."""
    manager = loaded.manager
    prefix = manifest.prefix
    kinds = _asked(manager, name, "membership_earning_rule_kinds")
    for kind in kinds:
        if not isinstance(kind, EarningRuleKind) or not _KIND_NAME.match(kind.name):
            raise PluginError(
                f"plugin {name!r}: bad rule kind name {getattr(kind, 'name', kind)!r}"
            )
    providers = _asked(manager, name, "membership_channel_providers")
    for provider in providers:
        if not isinstance(provider, ChannelProvider) or not _PROVIDER_NAME.match(provider.name):
            raise PluginError(
                f"plugin {name!r}: a channel provider must be a ChannelProvider named in lower case"
            )
    additions = _asked(manager, name, "membership_graphql")
    query_fields = [f for a in additions for c in a.query for f in _strawberry_fields(c)]
    mutation_fields = [f for a in additions for c in a.mutation for f in _strawberry_fields(c)]
    type_fields = [
        f"{type_name}.{f}"
        for a in additions
        for type_name, classes in a.extend.items()
        for c in classes
        for f in _strawberry_fields(c)
    ]
    for a in additions:
        for type_name in a.extend:
            if type_name not in EXTENSIBLE_TYPES:
                raise PluginError(
                    f"plugin {name!r}: only {', '.join(EXTENSIBLE_TYPES)} can get fields, "
                    f"not {type_name}"
                )
    migrations = _asked(manager, name, "membership_migrations")
    for migration in migrations:
        if not isinstance(migration, PluginMigration) or not _MIGRATION_ID.match(migration.id):
            raise PluginError(f"plugin {name!r}: migration ids look like 0001_stamp_cards")
        for table in migration.tenant_tables:
            if not table.startswith(f"{prefix}_"):
                raise PluginError(f"plugin {name!r}: table {table} must start with {prefix}_")
    jobs = _asked(manager, name, "membership_jobs")
    crons = _asked(manager, name, "membership_crons")
    handlers = _asked(manager, name, "membership_event_handlers")
    for what, items in (("job", jobs), ("cron", crons), ("event handler", handlers)):
        for item in items:
            if not _LOCAL_NAME.match(item.name):
                raise PluginError(f"plugin {name!r}: bad {what} name {item.name!r}")
    for cron in crons:
        _check_cron(name, cron)
    triggers = _asked(manager, name, "membership_journey_triggers")
    for trigger in triggers:
        if not trigger.event.startswith(f"{prefix}."):
            raise PluginError(f"plugin {name!r}: event {trigger.event} must start with {prefix}.")
    actions = _asked(manager, name, "membership_journey_actions")
    for action in actions:
        head, _, tail = action.type.partition(".")
        if head != prefix or not _ACTION_NAME.match(tail):
            raise PluginError(
                f"plugin {name!r}: step type {action.type} must look like {prefix}.doSomething"
            )
    pages = _asked(manager, name, "membership_admin_pages")
    for page in pages:
        if not PATH.match(page.path) or not MODULE.match(page.module) or ".." in page.module:
            raise PluginError(f"plugin {name!r}: bad admin page {page.path!r} ({page.module!r})")
    routes = _asked(manager, name, "membership_http_routes")
    for route in routes:
        if not isinstance(route, PluginRoute) or not ROUTE_PATH.match(route.path):
            raise PluginError(f"plugin {name!r}: bad HTTP route {getattr(route, 'path', route)!r}")
    route_keys = [(r.public, r.path, m) for r in routes for m in r.methods]
    if len(set(route_keys)) != len(route_keys):
        raise PluginError(f"plugin {name!r}: an HTTP route is declared twice")
    presets = [
        impl.function
        for impl in manager.hook.membership_preset.get_hookimpls()
        if impl.plugin_name == name
    ]

    named: list[tuple[str, list[str]]] = [
        ("rule kind", [k.name for k in kinds]),
        ("channel provider", [p.name for p in providers]),
        ("Query field", query_fields),
        ("Mutation field", mutation_fields),
        ("field", type_fields),
        ("event", [t.event for t in triggers]),
        ("step type", [a.type for a in actions]),
    ]
    for what, names in named:
        claims.check(name, what, names)

    def keep() -> None:
        for what, names in named:
            claims.take(name, what, names)
        for kind in kinds:
            loaded.earning_rule_kinds[kind.name] = kind
            loaded.kind_plugins[kind.name] = name
        for provider in providers:
            loaded.channel_providers[provider.name] = provider
            loaded.provider_plugins[provider.name] = name
        if additions:
            loaded.graphql[name] = GraphQLAdditions(
                query=tuple(c for a in additions for c in a.query),
                mutation=tuple(c for a in additions for c in a.mutation),
                types=tuple(t for a in additions for t in a.types),
                extend={
                    type_name: tuple(c for a in additions for c in a.extend.get(type_name, ()))
                    for type_name in {t for a in additions for t in a.extend}
                },
            )
        if migrations:
            loaded.migrations[name] = tuple(migrations)
        loaded.jobs.update({(name, j.name): j for j in jobs})
        loaded.crons.update({(name, c.name): c for c in crons})
        loaded.event_handlers.update({(name, h.name): h for h in handlers})
        loaded.journey_triggers.update({t.event: (name, t) for t in triggers})
        loaded.journey_actions.update({a.type: (name, a) for a in actions})
        if pages:
            loaded.admin_pages[name] = tuple(pages)
        if routes:
            loaded.http_routes[name] = tuple(routes)
        if presets:
            loaded.presets[name] = presets[0]

    return keep


def _check_cron(plugin: str, cron: PluginCron) -> None:
    from croniter import croniter

    if len(cron.schedule.split()) != 5 or not croniter.is_valid(cron.schedule):
        raise PluginError(f"plugin {plugin!r}: cron {cron.name} has a bad schedule")


def build(plugins: dict[str, ModuleType]) -> LoadedPlugins:
    """The registry of exactly these plugins (by entry-point name); tests use it directly."""
    loaded = LoadedPlugins(pluggy.PluginManager(PROJECT))
    loaded.manager.add_hookspecs(hookspecs)
    claims = _Claims()
    for name, plugin in plugins.items():
        try:
            manifest = _manifest(name, plugin)
            loaded.manager.register(plugin, name=name)
        except (PluginError, ValueError) as exc:
            _refuse(loaded, name, str(exc))
            continue
        try:
            keep = _collect(loaded, claims, name, manifest)
        except PluginError as exc:
            loaded.manager.unregister(name=name)
            _refuse(loaded, name, str(exc))
            continue
        keep()
        for language, catalogue in manifest.messages.items():
            add_translations(language, catalogue)
        loaded.manifests[name] = manifest
        loaded.modules[name] = plugin
    return loaded


def _refuse(loaded: LoadedPlugins, name: str, reason: str) -> None:
    loaded.refused[name] = reason
    log.error("plugin_refused", plugin=name, reason=reason)


def _load(entry_point: metadata.EntryPoint) -> ModuleType | str:
    try:
        module = entry_point.load()
    except Exception as exc:  # an import error in a partner's package
        return f"plugin {entry_point.name!r} cannot be imported: {exc!r}"
    if not isinstance(module, ModuleType):
        return f"plugin {entry_point.name!r} must name a module"
    return module


_EXTRA: dict[str, ModuleType] = {}


@contextlib.contextmanager
def also_installed(plugins: dict[str, ModuleType]) -> Iterator[LoadedPlugins]:
    """For tests: the installed plugins and these (by entry-point name) while the block runs.

    The registry is loaded again on entry and on exit. The API's schema is composed when an app
    is created: make the app inside the block to see a plugin's GraphQL fields.
    """
    previous = dict(_EXTRA)
    _EXTRA.update(plugins)
    loaded_plugins.cache_clear()
    try:
        yield loaded_plugins()
    finally:
        _EXTRA.clear()
        _EXTRA.update(previous)
        for name in plugins:
            _REFUSED_LATER.pop(name, None)
        loaded_plugins.cache_clear()


@functools.cache
def loaded_plugins() -> LoadedPlugins:
    """Every usable plugin installed under the ``membership.plugins`` entry-point group."""
    found: dict[str, ModuleType] = {}
    broken: dict[str, str] = {}
    distributions: dict[str, str] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.dist is not None:
            distributions[entry_point.name] = entry_point.dist.name
        module = _load(entry_point)
        if isinstance(module, str):
            broken[entry_point.name] = module
        else:
            found[entry_point.name] = module
    found.update(_EXTRA)
    if CORE_PLUGIN not in found:
        raise PluginError(
            f"the platform's own plugin {CORE_PLUGIN!r} is not installed: run `pip install -e .`"
        )
    ordered = {CORE_PLUGIN: found.pop(CORE_PLUGIN), **dict(sorted(found.items()))}
    for name in _REFUSED_LATER:
        ordered.pop(name, None)
    loaded = build(ordered)
    loaded.distributions.update(distributions)
    if CORE_PLUGIN in loaded.refused:
        raise PluginError(loaded.refused[CORE_PLUGIN])
    for name, reason in {**broken, **_REFUSED_LATER}.items():
        _refuse(loaded, name, reason)
    return loaded


_REFUSED_LATER: dict[str, str] = {}


def refuse(name: str, reason: str) -> LoadedPlugins:
    """Refuse a loaded plugin for a reason found after loading (its GraphQL field clashes with
    the platform's), and load the others again without it."""
    if name == CORE_PLUGIN:
        raise PluginError(reason)
    _REFUSED_LATER[name] = reason
    loaded_plugins.cache_clear()
    return loaded_plugins()
