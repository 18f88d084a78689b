"""Screen sizes the admin SPA must work at, and the checks a page passes at each of them.

A phone (390 px: the drawer menu, cards instead of tables, 44 px tap targets), a counter tablet
(1024 px: tables scroll inside their card with the actions pinned) and a desktop (1366 px).
Each check fails with what is wrong and where, so a screenshot is rarely needed to find it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from playwright.async_api import Page, Request
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

__all__ = [
    "HEIGHTS",
    "SHOTS",
    "WIDTHS",
    "Device",
    "NetworkQuiet",
    "assert_actions_in_view",
    "assert_no_sideways_scroll",
    "assert_tap_targets",
    "screenshot",
    "use_device",
]

Device = Literal["phone", "tablet", "desktop"]

WIDTHS: dict[Device, int] = {"phone": 390, "tablet": 1024, "desktop": 1366}
# An iPhone 14 upright, a 10" tablet on its side at the counter, a common laptop.
HEIGHTS: dict[Device, int] = {"phone": 844, "tablet": 768, "desktop": 860}

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The admin content area (antd Layout.Content renders a <main>).
CONTENT = "main.ant-layout-content"


async def use_device(page: Page, device: Device) -> None:
    """Resize the page's viewport to the device's width and height."""
    await page.set_viewport_size({"width": WIDTHS[device], "height": HEIGHTS[device]})


class NetworkQuiet:
    """Counts a page's requests in flight, to wait until a single-page app has loaded its data
    (Playwright's "networkidle" only covers the first load of the document)."""

    def __init__(self, page: Page) -> None:
        self._inflight: set[Request] = set()
        self._changed = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self._inflight.add(request)
        self._changed = time.monotonic()

    def _ended(self, request: Request) -> None:
        self._inflight.discard(request)
        self._changed = time.monotonic()

    async def wait(self, quiet_s: float = 0.5, timeout_s: float = 20) -> None:
        """Return once no request has been in flight for ``quiet_s`` seconds."""
        deadline = time.monotonic() + timeout_s
        while self._inflight or time.monotonic() - self._changed < quiet_s:
            if time.monotonic() > deadline:
                pending = ", ".join(request.url for request in list(self._inflight)[:5])
                raise AssertionError(f"requests still in flight after {timeout_s} s: {pending}")
            await asyncio.sleep(0.05)


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save test-artifacts/screenshots/<name>-<width>.png and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SHOTS / f"{name}-{width}.png"
    await page.screenshot(path=str(path), full_page=full_page)
    return path


_DESCRIBE_JS = """
() => {
  window.__describeElement = (el) => {
    const id = el.getAttribute('data-testid') || el.id;
    const classes = [...el.classList].filter((c) => !c.startsWith('css-')).slice(0, 3).join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
    return `<${el.tagName.toLowerCase()}${id ? ` #${id}` : ''}${classes ? ` .${classes}` : ''}>` +
      (text ? ` "${text}"` : '');
  };
}
"""

_SIDEWAYS_JS = """
() => {
  const doc = document.documentElement;
  const limit = doc.clientWidth + 1;
  if (doc.scrollWidth <= limit) return null;
  // Clipped by a scrolling or hidden-overflow ancestor that itself fits: not the page's problem.
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' && a.getBoundingClientRect().right <= limit) return true;
    }
    return false;
  };
  const sticksOut = (el) => {
    if (!el || el === document.body || el === doc) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > limit && !clipped(el);
  };
  // The culprits stick out while their parent does not; name the widest.
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    if (!sticksOut(el) || sticksOut(el.parentElement)) continue;
    const width = el.getBoundingClientRect().width;
    if (!worst || width > worst.width) worst = { width, element: window.__describeElement(el) };
  }
  return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, worst };
}
"""


async def assert_no_sideways_scroll(page: Page) -> None:
    """Fail when the page is wider than the window (scrollWidth > clientWidth + 1 px)."""
    await page.evaluate(_DESCRIBE_JS)
    found: dict[str, Any] | None = await page.evaluate(_SIDEWAYS_JS)
    if found is None:
        return
    worst = found["worst"]
    culprit = (
        f"widest offender {worst['element']} ({worst['width']:.0f} px)"
        if worst
        else "no culprit found"
    )
    raise AssertionError(
        f"{page.url} scrolls sideways: scrollWidth {found['scrollWidth']} > clientWidth "
        f"{found['clientWidth']}; {culprit}"
    )


# What a finger taps, and for compound controls the box that takes the tap.
_TAP_TARGETS_JS = """
([root, min]) => {
  const scope = document.querySelector(root);
  if (!scope) return { checked: 0, small: [`no ${root} on the page`] };
  const selector = [
    'button', 'a[href]', '[role=button]', '[role=switch]', '[role=menuitem]', '[role=combobox]',
    'input:not([type=hidden])', 'textarea', 'select',
    '.ant-pagination-item', '.ant-pagination-prev', '.ant-pagination-next',
  ].join(',');
  // The control around an input is what is tapped (and what has the height).
  const box = (el) =>
    el.closest(
      '.ant-select, .ant-picker, .ant-input-number, .ant-input-affix-wrapper, .ant-segmented-item, ' +
      '.ant-checkbox-wrapper, .ant-radio-wrapper, .ant-radio-button-wrapper, .ant-switch, ' +
      '.ant-pagination-item, .ant-pagination-prev, .ant-pagination-next'
    ) || el;
  // WCAG 2.5.8 leaves out targets inside a line of text: a link with words beside it, and the
  // copy / expand / edit icons antd's Typography puts at the end of a line.
  const inText = (el) => {
    if (el.matches('.ant-typography-copy, .ant-typography-expand, .ant-typography-edit, .ant-typography-collapse')) {
      return true;
    }
    const parent = el.parentElement;
    return !!parent && getComputedStyle(el).display.startsWith('inline') &&
      [...parent.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
  };
  const seen = new Set();
  const small = [];
  for (const el of scope.querySelectorAll(selector)) {
    const target = box(el);
    if (seen.has(target)) continue;
    seen.add(target);
    const r = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || target.closest('[aria-hidden=true]')) continue;
    if (target.disabled && target.matches('input')) continue;
    if (inText(target)) continue;
    if (r.height + 0.5 < min) small.push(`${window.__describeElement(target)} ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
  }
  return { checked: seen.size, small };
}
"""


async def assert_tap_targets(page: Page, min_px: int = 44, *, root: str = CONTENT) -> int:
    """Fail when a visible button, link, input, select, switch or pagination control in the
    content is less than ``min_px`` high; returns how many targets were checked."""
    await page.evaluate(_DESCRIBE_JS)
    # Just after a resize antd's controls may still be easing to their new height: measure
    # again for up to two seconds, and fail on what is still too small then.
    with contextlib.suppress(PlaywrightTimeoutError):
        await page.wait_for_function(
            f"(args) => ({_TAP_TARGETS_JS})(args).small.length === 0",
            arg=[root, min_px],
            timeout=2_000,
        )
    found: dict[str, Any] = await page.evaluate(_TAP_TARGETS_JS, [root, min_px])
    small: list[str] = found["small"]
    assert not small, f"{page.url}: {len(small)} tap targets under {min_px} px high: " + "; ".join(
        small[:12]
    )
    return int(found["checked"])


@dataclass(frozen=True)
class ActionCells:
    """The action cells found in the page's tables and those outside the visible area."""

    tables: int
    cells: int
    hidden: list[str]


_ACTION_CELLS_JS = """
(header) => {
  const result = { tables: 0, cells: 0, hidden: [] };
  const width = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('.ant-table')) {
    const heads = [...table.querySelectorAll('thead tr:last-child > th')];
    const column = heads.findIndex((th) => th.innerText.trim() === header);
    if (column < 0) continue;
    result.tables += 1;
    const view = (table.querySelector('.ant-table-content, .ant-table-body') || table).getBoundingClientRect();
    const rows = table.querySelectorAll(
      'tbody > tr:not(.ant-table-placeholder):not(.ant-table-expanded-row):not(.ant-table-measure-row)'
    );
    rows.forEach((row, index) => {
      const cell = row.children[column];
      if (!cell) return;
      result.cells += 1;
      const r = cell.getBoundingClientRect();
      const left = Math.max(0, view.left) - 1;
      const right = Math.min(width, view.right) + 1;
      if (r.left < left || r.right > right) {
        result.hidden.push(`row ${index + 1}: cell ${r.left.toFixed(0)}–${r.right.toFixed(0)} px, visible ${left.toFixed(0)}–${right.toFixed(0)} px`);
      }
    });
  }
  return result;
}
"""


async def assert_actions_in_view(page: Page, header: str) -> ActionCells:
    """Fail when a cell of a table's actions column (the column headed ``header``) lies outside
    the part of its table the window shows, i.e. the actions would need a sideways scroll."""
    found: dict[str, Any] = await page.evaluate(_ACTION_CELLS_JS, header)
    cells = ActionCells(tables=found["tables"], cells=found["cells"], hidden=found["hidden"])
    assert not cells.hidden, f"{page.url}: action cells out of view: " + "; ".join(cells.hidden[:8])
    return cells
