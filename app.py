"""Start the chat UI: ``python app.py`` (binds to 127.0.0.1:7860 unless NETZERO_HOST/NETZERO_PORT say otherwise)."""

from assistant import offline  # noqa: F401
from assistant.config import load_settings
from assistant.ui import launch

if __name__ == "__main__":
    launch(load_settings())
