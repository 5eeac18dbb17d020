"""netzero-assistant: retrieval, grounded answers and chat over the Cities Mission corpus."""
