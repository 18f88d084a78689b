"""Picking options in antd Selects the way a person does, and surviving a lost click.

antd renders a Select's list at the end of the body and animates it open. Under load a click can
land while the list is still being laid out and be lost: the list then stays open, or the choice
is not taken. Every pick is checked and tried again, so the browser tests do not flake on it.
"""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

__all__ = ["choose", "choose_more"]

_OPEN = ".ant-select-dropdown:not(.ant-select-dropdown-hidden):visible"


def _option(page: Page, option: str, exact: bool) -> Locator:
    opened = page.locator(_OPEN)
    if exact:  # an option whose whole label is ``option`` (another label may contain it)
        return opened.locator(f'.ant-select-item-option[title="{option}"]').first
    return opened.locator(".ant-select-item-option", has_text=option).first


async def choose(page: Page, select: Locator, option: str, *, exact: bool = False) -> None:
    """Pick ``option`` in the single-choice ``select``: the list has closed and the select shows
    the choice when this returns."""
    opened = page.locator(_OPEN)
    for attempt in range(3):
        if await opened.count() == 0:
            await select.click()
        item = _option(page, option, exact)
        await item.wait_for()
        await item.click()
        try:
            # closed again before the next step: an open list lies over the buttons below it
            await expect(opened).to_have_count(0, timeout=3_000)
            await expect(select).to_contain_text(option, timeout=3_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


async def choose_more(page: Page, select: Locator, option: str) -> None:
    """Add ``option`` to the multiple-choice ``select`` (its list stays open for the next pick):
    the select shows it among its choices when this returns."""
    chosen = select.locator(".ant-select-selection-item", has_text=option)
    for attempt in range(3):
        if await chosen.count():  # taken after all: a second click would take it away again
            return
        if await page.locator(_OPEN).count() == 0:
            await select.click()
        item = _option(page, option, exact=True)
        await item.wait_for()
        await item.click()
        try:
            await expect(chosen).to_have_count(1, timeout=3_000)
            return
        except AssertionError:
            if attempt == 2:
                raise
