"""netzero-assistant: retrieval, grounded answers and chat over the Cities Mission corpus."""

from assistant.core import offline  # noqa: F401  (the runtime switches, set before NumPy or any model loads)
