"""The HTTP server: the gradio UI, the REST API and the OpenAI-compatible API in one FastAPI app, served by uvicorn."""
