"""Load a Docker Compose project exactly as ``docker compose config`` does.

The loader (:mod:`~migrate_tui.compose.loader`) runs named phases in order, each its own
module: discover, parse, interpolate, include, extends, merge, profiles, canonical and
finalize. The result is a :class:`~migrate_tui.compose.model.Project`; a bad file stops the
load with a :class:`~migrate_tui.errors.MigrateError` naming file, line and key path.
"""
