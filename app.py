"""Start the chat UI: ``python app.py`` serves http://127.0.0.1:7860 (see NETZERO_HOST, NETZERO_PORT)."""

from assistant.core import offline  # noqa: F401
from assistant.core.config import load_settings
from assistant.ui.app import launch

if __name__ == "__main__":
    try:
        launch(load_settings())
    except ValueError as exc:  # a bad setting, such as a malformed NETZERO_AUTH entry
        raise SystemExit(f"netzero: {exc}") from None
