"""``/plugin-files/<plugin>/<file>``: the files of a plugin's admin pages.

Only files under the folders of the modules a plugin declares as admin pages are served, and
only of the kinds a page is made of, so a plugin's Python source and data are never exposed.
They are code, not data: they carry no tenant's information and need no credential (the page's
GraphQL calls do).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from plugins.manager import loaded_plugins

__all__ = ["plugin_asset"]

_KINDS = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def _asset(plugin: str, relative: str) -> Path | None:
    loaded = loaded_plugins()
    folder = loaded.asset_folder(plugin)
    pages = loaded.admin_pages.get(plugin, ())
    if folder is None or not pages:
        return None
    root = folder.resolve()
    path = (root / relative).resolve()
    allowed = {(root / page.module).resolve().parent for page in pages}
    if path.suffix not in _KINDS or not path.is_file():
        return None
    if not any(path.is_relative_to(top) for top in allowed):
        return None
    return path


async def plugin_asset(request: Request) -> Response:
    path = _asset(request.path_params["plugin"], request.path_params["path"])
    if path is None:
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(path, media_type=_KINDS[path.suffix], headers={"cache-control": "no-cache"})
