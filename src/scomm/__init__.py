"""scomm: an open fingerprint interoperability system.

A booking's ten prints are searched against a criminal gallery and, where the
jurisdiction is activated, an immigration gallery; a hit raises an Immigration
Alien Query, the subject gets a priority level, a versioned policy decides the
detainer, and every step is persisted, audited and counted.
"""

from scomm.errors import ScommError

__all__ = ["ScommError", "__version__"]
__version__ = "0.1.0"
