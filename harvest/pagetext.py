"""What a page says, read as a person reads it: an error message, a question, the controls on it.

Used where the harvester must understand a page it was not told about: after a sign-in, the
CRM's own error message wherever it is shown (an alert, an element styled as an error, on a page
of its own); a page that asks for something the profile does not know (an SSO or MFA step); and,
for ``hcportal harvest --check``, the controls a page has, to suggest the one a profile meant.

Everything read here is the CRM's text, so hostile: it is flattened to one line, stripped of
control characters and cut short before it reaches a message or a terminal.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator

if TYPE_CHECKING:
    from playwright.async_api import FrameLocator, Page

    from hcportal.harvest.profile import Locator

MAX_TEXT = 300

# Elements a CRM uses for its messages when it gives them no role: by class or id.
_ERROR_LIKE = (
    '[role="alert"], [aria-live="assertive"], [class*="error" i], [id*="error" i], '
    '[class*="alert-danger" i], [class*="invalid-feedback" i]'
)

_VISIBLE_TEXTS = """([selector, max]) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.display === "none" || style.visibility === "hidden" || !box.width || !box.height) {
      continue;
    }
    const text = (el.innerText || "").replace(/\\s+/g, " ").trim();
    if (text && text.length <= max) out.push(text);
  }
  return out;
}"""

_FIELDS = (
    'input:not([type="hidden"]):not([type="submit"]):not([type="button"]):visible, '
    "select:visible, textarea:visible"
)

# Roles whose accessible name is a field's label.
FIELD_ROLES = {
    "textbox",
    "checkbox",
    "radio",
    "combobox",
    "listbox",
    "spinbutton",
    "searchbox",
    "slider",
    "switch",
}


# Table data: a report's own rows and cells, never what a profile is looking for.
_DATA_ROLES = {"cell", "gridcell", "row", "rowgroup", "rowheader", "table", "grid"}


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """One line, no control characters, at most ``limit`` characters: safe to show anywhere."""
    flat = re.sub(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e]+", " ", text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


async def error_text(page: Page, locators: list[Locator]) -> str:
    """The page's own error message, if it shows one: the profile's error controls first, then
    any visible element marked as an alert or styled as an error. Empty if none."""
    for locator in locators:
        found = locator.find(page)
        try:
            for i in range(min(await found.count(), 5)):
                item = found.nth(i)
                if await item.is_visible():
                    text = clean(await item.inner_text())
                    if text:
                        return text
        except PlaywrightError:
            continue
    try:
        texts = await page.evaluate(_VISIBLE_TEXTS, [_ERROR_LIKE, MAX_TEXT])
    except PlaywrightError:  # navigating away: nothing to read yet
        return ""
    # The innermost message: an outer box holding it says the same and more.
    texts = [t for t in texts if not any(o != t and o in t for o in texts)]
    return clean(" / ".join(dict.fromkeys(texts))) if texts else ""


async def question(page: Page) -> str:
    """What the page asks for, if it shows form fields: its heading and the fields' labels.
    Empty when it asks nothing (a page that redirects, a signed-in page)."""
    try:
        if not await page.locator(_FIELDS).count():
            return ""
        heading = page.locator("h1:visible, h2:visible, legend:visible").first
        title = await heading.inner_text() if await heading.count() else await page.title()
        labels = [name for role, name in await controls(page) if role in FIELD_ROLES and name]
    except PlaywrightError:
        return ""
    said = f"“{clean(title, 80)}”" if title.strip() else "a form"
    if labels:
        said += " asking for " + ", ".join(repr(clean(n, 40)) for n in labels[:4])
    return said


async def controls(scope: Page | FrameLocator | PwLocator) -> list[tuple[str, str]]:
    """(role, accessible name) of what a person can see in ``scope``, from its ARIA snapshot;
    text runs come as ("text", the text)."""
    root = scope if isinstance(scope, PwLocator) else scope.locator("body")
    try:
        snapshot = await root.aria_snapshot(timeout=5000)
    except PlaywrightError:
        return []
    found = []
    for line in snapshot.splitlines():
        m = re.match(r'\s*- (\w+)(?: "((?:[^"\\]|\\.)*)")?(?:\s*\[[^\]]*\])*(?::\s*(.*))?$', line)
        if not m:
            continue
        role, name, text = m.group(1), m.group(2), m.group(3)
        if name:
            found.append((role, name.replace('\\"', '"')))
        elif text and not text.startswith("-"):
            found.append(("text" if role in ("text", "paragraph", "strong") else role, text))
    return found


def nearest(wanted: Locator, seen: list[tuple[str, str]], limit: int = 6) -> list[str]:
    """The controls of ``seen`` a person would take for ``wanted``, likeliest first."""
    target = (wanted.name or wanted.label or wanted.text or "").casefold()

    def score(name: str) -> float:
        name = name.casefold()
        if not target:
            return 0.0
        if target in name or name in target:
            return 1.0
        return difflib.SequenceMatcher(None, target, name).ratio()

    seen = [(r, n) for r, n in seen if r not in _DATA_ROLES]  # a report's rows are not controls
    if wanted.role is not None:
        same = [(r, n) for r, n in seen if r == wanted.role]
        other = [(r, n) for r, n in seen if r != wanted.role and r != "text" and score(n) >= 0.6]
        pool = same + other
    elif wanted.label is not None:
        pool = [(r, n) for r, n in seen if r in FIELD_ROLES]
    else:
        pool = [(r, n) for r, n in seen if score(n) >= 0.6]
    ranked = sorted(dict.fromkeys(pool), key=lambda rn: -score(rn[1]))
    return [_show(r, n) for r, n in ranked[:limit]]


def _show(role: str, name: str) -> str:
    return f"text {clean(name, 60)!r}" if role == "text" else f"{role} {clean(name, 60)!r}"
