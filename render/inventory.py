"""The systems-inventory page: Impact against Complexity, and the integration plan in order.

A page of its own (``hcportal inventory score`` writes it beside the scored CSV), built from the
same templates, stylesheet and scripts as the site, with the scored inventory as its one dataset.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from hcportal import __version__, site_templates
from hcportal.core.files import staged_dir
from hcportal.render.datafiles import Encoded, write_js
from hcportal.render.settings import SiteSettings

# The scored inventory's columns as the page names them (short names for the browser's table).
SHOWN = {
    "Integration Order": "order",
    "System/Service Name": "system",
    "Business Function": "function",
    "Business Leader": "business_leader",
    "Technical Leader": "technical_leader",
    "Impact Score": "impact",
    "Complexity Score": "complexity",
    "Disposition": "disposition",
    "Business Impact": "business_impact",
    "Customer Impact": "customer_impact",
    "Approx. Number of Customers Impacted Annually": "customers",
    "Implementation Profile": "implementation",
    "Integration Profile": "integration",
    "Product Dependency": "dependency",
}


def _is_inventory_dir(folder: Path) -> bool:
    return (folder / "inventory.html").is_file() and (folder / "static" / "app.css").is_file()


def render_inventory(
    scored: pd.DataFrame, out_dir: Path, site: SiteSettings, *, strategy: str, high: float,
    generated: datetime, dispositions: dict[str, str],
) -> Path:  # fmt: skip
    """Write ``inventory.html`` (with its static files and data) into ``out_dir``, replaced whole
    on success; return the page's path."""
    from hcportal.render import environment  # the site's one Jinja environment

    frame = scored[list(SHOWN)].rename(columns=SHOWN).reset_index(drop=True)
    frame["customers"] = frame["customers"].astype(str)
    with staged_dir(out_dir, _is_inventory_dir, "inventory page") as tmp:
        site_templates.copy_static(tmp / "static")
        data, _ = write_js(tmp / "data" / "inventory.js", "inventory", Encoded(frame).payload())
        html = (
            environment()
            .get_template("inventory.html")
            .render(
                page={"path": "inventory.html"},
                heading="Systems inventory",
                root="",
                nav=[],
                site=site,
                crm_account_url="",  # no account on this page to link into the CRM
                meta={"as_of": generated.date().isoformat(), "generated": generated.isoformat()},
                data_scripts=[data.relative_to(tmp).as_posix()],
                xlsx_library="static/vendor/write-excel-file-4.1.1/write-excel-file.min.js",
                version=__version__,
                strategy=strategy,
                high=high,
                dispositions=dispositions,
                count=len(frame),
            )
        )
        (tmp / "inventory.html").write_text(html, "utf-8")
    return out_dir / "inventory.html"
