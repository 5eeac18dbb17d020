"""The gradio UI: components and how they are wired to :class:`assistant.api.Assistant` (``assistant.server``
mounts it).

The work is done by the modules it calls: session (the chat), render and cards (escaped HTML), facets
(filters), export (Markdown and CSV), uploads and indexing (adding documents), tables (library, logs), auth.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.core.accounts import is_admin
from assistant.core.schema import Mode
from assistant.ui.cards import EMPTY as NO_SOURCES
from assistant.ui.cards import sources_html
from assistant.ui.export import write_conversation, write_log_csv
from assistant.ui.facets import facets, search_filter
from assistant.ui.render import banner_html, conversation_html
from assistant.ui.session import ChatSession
from assistant.ui.starters import MODE_CHOICES, STARTERS
from assistant.ui.tables import library_html, log_html
from assistant.ui.uploads import (
    UPLOAD_SUFFIXES,
    choice,
    forget,
    index_uploads,
    outcome_html,
    readable_by,
    receive,
    removable,
    settle,
    sync_uploads,
)
from ingest.jobs import IndexingJob, index_ready
from ingest.uploads import approve, discard, find, uploads

TITLE = "NetZero Cities assistant"
INTRO = (
    "Answers about the EU Mission for 100 climate-neutral and smart cities and the NetZeroCities "
    "programme, drawn only from the indexed documents, with every claim linked to its source."
)
TOAST_SECONDS = 5  # an error note fades instead of staying on screen through later actions
WAIT_NOTE = " Your question will be answered as soon as it is done."
NO_UPLOADS = (
    'Uploading documents needs login configured: start the app with NETZERO_AUTH="user:password" '
    "or NETZERO_AUTH_FILE (one user:password a line), then sign in."
)


def _answer_choices(chat: ChatSession) -> dict[str, Any]:
    """The feedback selector: every answered question, the latest chosen."""
    answered = chat.answered()
    choices = [(f"{i + 1}. {t.question[:70]}", i) for i, t in answered]
    return gr.update(choices=choices, value=answered[-1][0] if answered else None)


def build(assistant: Assistant, job: IndexingJob, uploads_allowed: bool, logs_tab: bool = False) -> gr.Blocks:
    """The app: the assistant tab (chat, sources, modes, filters, feedback, export), library, and, when ``logs_tab``
    (login configured), the logs, shown to admins only: users' questions and comments are personal data."""
    settings = assistant.settings

    def admin(request: gr.Request) -> bool:
        return is_admin(settings, request.username if request else None)

    def require_admin(request: gr.Request) -> None:
        if not admin(request):
            raise gr.Error("Only an admin may read the logs.", duration=TOAST_SECONDS, print_exception=False)

    def banner() -> str:
        status = job.status()
        return banner_html(status.describe() if status.running or status.error else "", bool(status.error))

    def readable(request: gr.Request) -> list[dict[str, Any]]:
        """The library as this user may see it: others' unreviewed uploads only for an admin, who reviews them."""
        user = request.username if request else None
        return readable_by(assistant.library(), user, is_admin(settings, user))

    def filter_choices(request: gr.Request) -> list[dict[str, Any]]:
        found = facets(readable(request))
        return [gr.update(choices=c) for c in (found.countries, found.cities, found.doc_types, found.topics)]

    def library_for(request: gr.Request, query: str = "") -> str:
        return library_html(readable(request), query)

    def upload_choices(request: gr.Request) -> list[Any]:
        """The uploads this user may remove, and (for an admin) those awaiting review, with the review controls."""
        user = request.username if request else None
        admin = is_admin(settings, user)
        pending = [choice(u) for u in uploads(settings) if u.unreviewed] if admin else []
        return [
            gr.update(choices=[choice(u) for u in removable(settings, user, admin)], value=None),
            gr.update(choices=pending, value=None),
            gr.update(visible=admin),
        ]

    # the web server's cached copies of exports go when the exports do (every 10 minutes, the older ones)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(600, int(settings.export_ttl_s))) as app:
        chat_state = gr.State(ChatSession())
        gr.HTML(
            f'<div class="nz-header"><h1>{TITLE}</h1><p>{INTRO}</p></div>'
            '<div id="nz-live" class="nz-sr-only" role="status" aria-live="polite"></div>'
        )
        status_banner = gr.HTML(banner(), elem_id="nz-banner")
        timer = gr.Timer(1.0, active=job.running)
        tabs = gr.Tabs()

        with tabs, gr.Tab("Assistant", id="assistant"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                mode = gr.Radio(MODE_CHOICES, value=Mode.EXPLORE.value, label="Mode", elem_id="nz-mode")
                with gr.Row(elem_id="nz-starters"):
                    starters = [gr.Button(q, size="sm", variant="secondary") for q in STARTERS[Mode.EXPLORE]]
                chat = gr.HTML(conversation_html([]), elem_id="nz-chat")
                with gr.Row():
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="Ask about the Cities Mission…",
                        show_label=False,
                        scale=6,
                        max_lines=4,
                        elem_id="nz-question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="nz-ask")
                draft = gr.Textbox(
                    label="Draft reply: check it, then copy it with the button",
                    lines=12,
                    buttons=["copy"],
                    interactive=False,
                    visible=False,
                    elem_id="nz-draft",
                )
                with gr.Accordion("Filters: apply to your next question", open=False), gr.Row():
                    country = gr.Dropdown([], multiselect=True, label="Country", elem_id="nz-country")
                    city = gr.Dropdown([], multiselect=True, label="City", elem_id="nz-city")
                    doc_type = gr.Dropdown([], multiselect=True, label="Document type")
                    topic = gr.Dropdown([], multiselect=True, label="Topic")
                with gr.Group(), gr.Row(equal_height=True):
                    rated = gr.Dropdown([], label="Was this answer helpful?", scale=3, elem_id="nz-rated")
                    comment = gr.Textbox(label="Comment (optional)", max_lines=3, scale=3, elem_id="nz-comment")
                    with gr.Column(scale=1, min_width=120):
                        helpful = gr.Button("Helpful", size="sm", elem_id="nz-helpful")
                        unhelpful = gr.Button("Not helpful", size="sm", elem_id="nz-unhelpful")
                feedback_note = gr.HTML(elem_id="nz-feedback-note")
                with gr.Row():
                    export = gr.Button("Export conversation (.md)", size="sm", elem_id="nz-export")
                    restart = gr.Button("New conversation", size="sm", elem_id="nz-restart")
                exported = gr.File(label="Conversation export", visible=False, elem_id="nz-exported")
            with gr.Column(scale=2, min_width=340):
                sources = gr.HTML(NO_SOURCES, elem_id="nz-sources-panel")

        with tabs, gr.Tab("Library", id="library") as library_tab:
            library_query = gr.Textbox(
                label="Filter documents", elem_id="nz-library-filter", placeholder="title, city, country, type or year"
            )
            library = gr.HTML(elem_id="nz-library")
            gr.HTML("<h3>Add documents</h3>")
            if uploads_allowed:
                files = gr.File(
                    label=f"PDF, Markdown or HTML, up to {settings.upload_max_mb:g} MB each",
                    file_count="multiple",
                    file_types=sorted(UPLOAD_SUFFIXES),
                    elem_id="nz-upload",
                )
                upload = gr.Button("Add to the index", variant="primary", elem_id="nz-upload-go")
                upload_note = gr.HTML(elem_id="nz-upload-note")
                with gr.Row(equal_height=True):
                    mine = gr.Dropdown([], label="Uploads you may remove", scale=3, elem_id="nz-mine")
                    remove = gr.Button("Remove upload", scale=1, elem_id="nz-remove")
                with gr.Row(equal_height=True, visible=False, elem_id="nz-review") as review:
                    pending = gr.Dropdown([], label="Uploads awaiting review (admin)", scale=3, elem_id="nz-pending")
                    approve_button = gr.Button("Approve upload", scale=1, elem_id="nz-approve")
                manage_note = gr.HTML(elem_id="nz-manage-note")
            else:
                gr.HTML(f'<p class="nz-hint" id="nz-no-uploads">{NO_UPLOADS}</p>')

        if logs_tab:
            with tabs, gr.Tab("Feedback and gaps", id="logs", visible=False) as logs:
                gr.HTML(
                    '<p class="nz-hint">For the content team: what users rated, and the questions the '
                    "sources could not answer (the gaps to fill).</p>"
                )
                with gr.Row():
                    refresh_logs = gr.Button("Refresh", size="sm")
                    feedback_csv = gr.Button("Download feedback (CSV)", size="sm", elem_id="nz-feedback-csv")
                    abstentions_csv = gr.Button("Download unanswered questions (CSV)", size="sm")
                csv_file = gr.File(label="CSV export", visible=False, elem_id="nz-csv")
                gr.HTML("<h3>Feedback</h3>")
                feedback_log = gr.HTML(elem_id="nz-feedback-log")
                gr.HTML("<h3>Unanswered questions</h3>")
                abstention_log = gr.HTML(elem_id="nz-abstention-log")

        filters = [country, city, doc_type, topic]

        def on_load(request: gr.Request) -> list[Any]:
            shown = [gr.Tab(visible=admin(request))] if logs_tab else []
            listed = library_for(request)
            return [banner(), gr.Timer(active=job.running), listed, *filter_choices(request), *shown]

        def on_tick(request: gr.Request) -> list[Any]:
            if job.running:
                return [banner(), gr.skip(), gr.skip(), *[gr.skip()] * len(filters)]
            return [banner(), gr.Timer(active=False), library_for(request), *filter_choices(request)]

        loaded = [status_banner, timer, library, *filters, *([logs] if logs_tab else [])]
        app.load(on_load, outputs=loaded, show_progress="hidden")
        timer.tick(on_tick, outputs=[status_banner, timer, library, *filters], show_progress="hidden")

        def on_mode(chosen: str, chat_session: ChatSession) -> list[Any]:
            last = chat_session.turns[-1] if chat_session.turns else None
            text = last.reply.answer if last and last.done and last.reply and last.mode == Mode.DRAFT else ""
            return [
                *(gr.update(value=q) for q in STARTERS[Mode(chosen)]),
                gr.update(visible=chosen == Mode.DRAFT, value=text),
            ]

        mode.change(on_mode, [mode, chat_state], [*starters, draft])

        def on_ask(
            text: str,
            chosen: str,
            countries: list[str],
            cities: list[str],
            doc_types: list[str],
            topics: list[str],
            chat_session: ChatSession,
            request: gr.Request,
        ) -> Iterator[list[Any]]:
            if not text.strip():
                return
            chosen_filter = search_filter(countries, cities, doc_types, topics).for_reader(request.username)
            # only a first index is waited for; while a later sync runs, the last complete index answers
            waiting = (line + WAIT_NOTE for line in job.progress_messages()) if not index_ready(settings) else ()
            for step, _ in enumerate(chat_session.ask(assistant, text, chosen, chosen_filter, waiting)):
                yield [
                    conversation_html(chat_session.turns),
                    sources_html(chat_session.turns),
                    "" if step == 0 else gr.skip(),
                    gr.skip(),
                    gr.skip(),
                    chat_session,
                ]
            last = chat_session.turns[-1]
            drafted = last.reply.answer if last.reply is not None and last.mode == Mode.DRAFT else gr.skip()
            yield [gr.skip(), gr.skip(), gr.skip(), drafted, _answer_choices(chat_session), chat_session]

        ask_outputs = [chat, sources, question, draft, rated, chat_state]
        ask_inputs = [mode, *filters, chat_state]
        question.submit(on_ask, [question, *ask_inputs], ask_outputs, show_progress="hidden")
        ask.click(on_ask, [question, *ask_inputs], ask_outputs, show_progress="hidden")
        for starter in starters:
            starter.click(on_ask, [starter, *ask_inputs], ask_outputs, show_progress="hidden")

        def on_feedback(is_helpful: bool, index: int | None, note: str, chat_session: ChatSession) -> list[Any]:
            reply = chat_session.reply(index) if index is not None else None
            if reply is None:
                return ['<p class="nz-hint">Ask a question first, then rate its answer.</p>', note, chat_session]
            if index in chat_session.rated:  # one rating an answer, however often the button is pressed
                return ['<p class="nz-hint">You already rated this answer: thank you.</p>', note, chat_session]
            chat_session.rated.add(index)
            assistant.feedback(reply, is_helpful, note.strip())
            return ['<p class="nz-hint">Thank you: your feedback was saved for the content team.</p>', "", chat_session]

        feedback_inputs = [rated, comment, chat_state]
        feedback_outputs = [feedback_note, comment, chat_state]
        helpful.click(lambda *a: on_feedback(True, *a), feedback_inputs, feedback_outputs)
        unhelpful.click(lambda *a: on_feedback(False, *a), feedback_inputs, feedback_outputs)

        def on_export(chat_session: ChatSession, request: gr.Request) -> dict[str, Any]:
            if not chat_session.answered():
                raise gr.Error("Nothing to export yet: ask a question first.", duration=TOAST_SECONDS)
            path = write_conversation(chat_session.turns, settings, request.username)
            return gr.update(value=str(path), visible=True)

        export.click(on_export, chat_state, exported)

        def on_restart() -> list[Any]:
            fresh = ChatSession()
            return [fresh, conversation_html([]), NO_SOURCES, "", _answer_choices(fresh), gr.update(visible=False)]

        restart.click(on_restart, outputs=[chat_state, chat, sources, draft, rated, exported])

        def on_library(query: str, request: gr.Request) -> str:
            return library_for(request, query)

        library_query.change(on_library, library_query, library)
        library_tab.select(on_library, library_query, library)

        if logs_tab:

            def on_logs(request: gr.Request) -> list[str]:
                require_admin(request)
                return [
                    log_html(assistant.logbook.rows("feedback"), "feedback"),
                    log_html(assistant.logbook.rows("abstentions"), "abstentions"),
                ]

            logs.select(on_logs, outputs=[feedback_log, abstention_log], api_name="logs")
            refresh_logs.click(on_logs, outputs=[feedback_log, abstention_log], api_name="refresh_logs")

            def on_csv(table: str, request: gr.Request) -> dict[str, Any]:
                require_admin(request)
                rows = assistant.logbook.rows(table, limit=1_000_000)
                return gr.update(value=str(write_log_csv(rows, table, settings, request.username)), visible=True)

            def feedback_export(request: gr.Request) -> dict[str, Any]:
                return on_csv("feedback", request)

            def abstentions_export(request: gr.Request) -> dict[str, Any]:
                return on_csv("abstentions", request)

            feedback_csv.click(feedback_export, outputs=csv_file, api_name="feedback_csv")
            abstentions_csv.click(abstentions_export, outputs=csv_file, api_name="abstentions_csv")

        if uploads_allowed:
            managed = [mine, pending, review]

            def on_upload(paths: list[str] | None, request: gr.Request) -> Iterator[list[Any]]:
                if not request.username:
                    raise gr.Error("Sign in to upload documents.")
                if not paths:
                    raise gr.Error("Choose one or more PDF, Markdown or HTML files first.")
                intake = receive(paths, settings, request.username)
                forget(paths)
                for line in index_uploads(intake, job):
                    yield [banner_html(line), gr.skip(), gr.skip(), *[gr.skip()] * len(managed)]
                outcome = settle(intake, job.status(), settings)
                if outcome.superseded:  # the replaced uploads leave the index too
                    for line in sync_uploads(job):
                        yield [banner_html(line), gr.skip(), gr.skip(), *[gr.skip()] * len(managed)]
                yield [outcome_html(outcome), library_for(request), None, *upload_choices(request)]

            upload.click(on_upload, files, [upload_note, library, files, *managed])

            def on_manage(token: str | None, approving: bool, request: gr.Request) -> Iterator[list[Any]]:
                user = request.username
                chosen = find(settings, token) if token else None
                if chosen is None:
                    raise gr.Error("Choose an upload first.")
                if approving and not is_admin(settings, user):
                    raise gr.Error("Only an admin can approve uploads.")
                if not approving and not chosen.may_change(user, is_admin(settings, user)):
                    raise gr.Error("You can remove only your own uploads.")
                if approving:
                    approve(chosen)
                else:
                    discard(chosen)
                for line in sync_uploads(job):
                    yield [banner_html(line), gr.skip(), *[gr.skip()] * len(managed)]
                done = "Approved" if approving else "Removed"
                note = f'<p class="nz-hint">{done}: {html.escape(chosen.file_name)}</p>'
                yield [note, library_for(request), *upload_choices(request)]

            def on_remove(token: str | None, request: gr.Request) -> Iterator[list[Any]]:
                yield from on_manage(token, False, request)

            def on_approve(token: str | None, request: gr.Request) -> Iterator[list[Any]]:
                yield from on_manage(token, True, request)

            remove.click(on_remove, mine, [manage_note, library, *managed])
            approve_button.click(on_approve, pending, [manage_note, library, *managed])
            app.load(upload_choices, outputs=managed, show_progress="hidden")
    return app
