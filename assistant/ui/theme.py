"""The UI's look, and its one piece of browser code: a click on ``[n]`` opens and shows its source card."""

from __future__ import annotations

import gradio as gr

THEME = gr.themes.Default(primary_hue="blue", secondary_hue="slate", neutral_hue="slate")

CSS = """
.nz-header h1 { margin: 0; font-size: 1.5rem; }
.nz-header p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
#nz-banner:not(:has(.nz-banner)), #nz-feedback-note:not(:has(p)) { display: none; }
.nz-banner { padding: .6rem .9rem; border-radius: 8px; background: #eff6ff; border: 1px solid #bfdbfe; }
.nz-banner.nz-bad { background: #fef2f2; border-color: #fecaca; }
#nz-chat { min-height: 320px; max-height: 62vh; overflow-y: auto; border-radius: 10px;
           border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
.nz-chat { display: flex; flex-direction: column; gap: .7rem; padding: .8rem; }
.nz-welcome { color: var(--body-text-color-subdued); max-width: 46rem; }
.nz-msg { display: flex; flex-direction: column; max-width: 94%; }
.nz-user { align-self: flex-end; align-items: flex-end; }
.nz-bot { align-self: flex-start; }
.nz-bubble { padding: .6rem .9rem; line-height: 1.55; border-radius: 12px; overflow-wrap: anywhere; }
.nz-bubble p { margin: 0 0 .55rem; }
.nz-bubble p:last-of-type { margin-bottom: 0; }
.nz-user .nz-bubble { background: var(--color-accent-soft); border-bottom-right-radius: 3px; }
.nz-bot .nz-bubble { background: var(--background-fill-secondary); border-bottom-left-radius: 3px;
                     border: 1px solid var(--border-color-primary); }
.nz-abstain .nz-bubble { border-left: 4px solid #d97706; }
.nz-context, .nz-facts, .nz-count { font-size: .78rem; margin-top: .25rem;
                                     color: var(--body-text-color-subdued); }
.nz-waiting { color: var(--body-text-color-subdued); font-style: italic; }
.nz-error { color: #b91c1c; }
.nz-cursor::after { content: "▍"; animation: nz-blink 1s steps(2) infinite; }
@keyframes nz-blink { 50% { opacity: 0; } }
a.nz-cite { font-weight: 600; font-size: .82em; text-decoration: none; padding: 0 .2em; border-radius: 4px;
            background: var(--color-accent-soft); color: var(--color-accent); cursor: pointer; }
a.nz-cite:hover { text-decoration: underline; }
#nz-sources-panel { max-height: 84vh; overflow-y: auto; }
.nz-sources-for { font-weight: 600; margin: .2rem 0 .5rem; }
.nz-hint { color: var(--body-text-color-subdued); }
.nz-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .6rem .8rem;
           margin-bottom: .6rem; background: var(--background-fill-primary); scroll-margin-top: .5rem; }
.nz-card.nz-flash { animation: nz-flash 1.6s ease-out; }
@keyframes nz-flash { 0% { box-shadow: 0 0 0 3px #f59e0b; } 100% { box-shadow: 0 0 0 0 transparent; } }
.nz-card-head { font-weight: 600; }
.nz-n { color: var(--color-accent); margin-right: .2rem; }
.nz-origin { font-size: .8rem; overflow-wrap: anywhere; margin: .2rem 0 .35rem; }
.nz-passage { position: relative; white-space: pre-wrap; font-size: .85rem; line-height: 1.5;
              max-height: 20rem; overflow-y: auto; padding-left: .6rem;
              border-left: 3px solid var(--border-color-primary); }
mark.nz-hl { background: #fde68a; color: #1f2937; padding: 0 .1em; border-radius: 2px; }
details.nz-more, details.nz-earlier { margin: .4rem 0; }
details.nz-more > summary, details.nz-earlier > summary { cursor: pointer;
                                                          color: var(--body-text-color-subdued); }
.nz-table-wrap { max-height: 70vh; overflow: auto; }
table.nz-table { border-collapse: collapse; width: 100%; font-size: .85rem; }
table.nz-table th, table.nz-table td { padding: .3rem .5rem; text-align: left; vertical-align: top;
                                       border-bottom: 1px solid var(--border-color-primary); }
table.nz-table th { position: sticky; top: 0; background: var(--background-fill-secondary); }
.nz-upload-report .nz-bad { color: #b91c1c; }
"""

HEAD = """<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.nz-cite") : null;
  var card = link ? document.getElementById(link.getAttribute("data-target")) : null;
  if (!card) return;
  event.preventDefault();
  for (var node = card.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  card.scrollIntoView({behavior: "smooth", block: "start"});
  var passage = card.querySelector(".nz-passage"), mark = card.querySelector("mark");
  if (passage && mark) passage.scrollTop = mark.offsetTop - 24;
  card.classList.remove("nz-flash");
  void card.offsetWidth;
  card.classList.add("nz-flash");
});
</script>"""
