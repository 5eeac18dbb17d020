"""Start the server: ``python app.py`` serves the chat UI, the REST API and the OpenAI-compatible API on
http://127.0.0.1:7860 (see NETZERO_HOST, NETZERO_PORT; API description at /docs)."""

from assistant.core.config import load_settings
from assistant.server.app import serve

if __name__ == "__main__":
    try:
        serve(load_settings())
    except ValueError as exc:  # a bad setting, such as a malformed NETZERO_AUTH entry
        raise SystemExit(f"netzero: {exc}") from None
