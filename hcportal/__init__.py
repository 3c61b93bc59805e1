"""hcportal: which customer accounts are due a health check, from a CRM's report exports.

The package is a library first: each stage (``harvest``, ``transform``, ``render``, ``publish``) is a
function with plain inputs and outputs, and :mod:`hcportal.cli` is a thin layer over them.
"""

__version__ = "0.1.0"
