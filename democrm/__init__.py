"""The bundled demo CRM: a small local web app that behaves like a real CRM.

It signs users in, lists saved reports, previews them, and exports them through an Export dialog or
a direct export URL, over synthetic but realistic data from :mod:`democrm.synthetic`. It is what
``hcportal`` runs against when nothing is configured, and what every harvester test drives.
"""

# This folder is mapped to `hcportal.democrm` (pyproject's package-dir); it is never a top-level
# `democrm`, so that no module can be imported under two names.
if __name__ != "hcportal.democrm":
    raise ImportError(f"import hcportal.democrm, not {__name__}")

from hcportal.democrm.catalog import REPORTS
from hcportal.democrm.server import DemoCRM, running
from hcportal.democrm.synthetic import generate

__all__ = ["REPORTS", "DemoCRM", "generate", "running"]
