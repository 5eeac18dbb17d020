"""The gradio chat UI: a thin shell over :class:`assistant.api.Assistant`."""

from __future__ import annotations

import html

import gradio as gr

from assistant.api import Assistant
from assistant.config import Settings


def build(assistant: Assistant) -> gr.Blocks:
    with gr.Blocks(title="NetZero Cities assistant") as app:
        gr.Markdown("# NetZero Cities assistant")
        question = gr.Textbox(label="Question")
        mode = gr.Radio(["start", "explore", "draft"], value="explore", label="Mode")
        answer = gr.HTML()

        def ask(text: str, chosen: str) -> str:
            reply = assistant.ask(text, mode=chosen)
            return f"<pre>{html.escape(reply.answer)}</pre>"

        question.submit(ask, [question, mode], answer)
    return app


def launch(settings: Settings) -> None:
    build(Assistant(settings)).launch(server_name=settings.host, server_port=settings.port)
