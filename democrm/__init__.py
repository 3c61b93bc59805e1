"""The bundled demo CRM: a small local web app that behaves like a real CRM.

It signs users in, lists saved reports, previews them, and exports them through an Export dialog or
a direct export URL, over synthetic but realistic data from :mod:`democrm.synthetic`. It is what
``hcportal`` runs against when nothing is configured, and what every harvester test drives.
"""

from democrm.catalog import REPORTS
from democrm.server import DemoCRM, running
from democrm.synthetic import generate

__all__ = ["REPORTS", "DemoCRM", "generate", "running"]
