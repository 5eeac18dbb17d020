"""The UI's look, and its browser code: a click on ``[n]`` opens and shows its source card, the newest question
and its answer scroll into view inside the chat box, and each finished answer is announced to screen readers."""

from __future__ import annotations

import gradio as gr

# WCAG AA (4.5:1) for all text: subdued text in slate-600 (7.6:1 on white), white on primary buttons in blue-700
# (6.7:1; the default blue-500 gives 3.7:1).
THEME = gr.themes.Default(primary_hue="blue", secondary_hue="slate", neutral_hue="slate").set(
    body_text_color_subdued="#475569",
    body_text_color_subdued_dark="#cbd5e1",
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
)

CSS = """
.nz-header h1 { margin: 0; font-size: 1.5rem; }
.nz-header p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
#nz-banner:not(:has(.nz-banner)), #nz-feedback-note:not(:has(p)) { display: none; }
.nz-banner { padding: .6rem .9rem; border-radius: 8px; background: #eff6ff; border: 1px solid #bfdbfe; }
.nz-banner.nz-bad { background: #fef2f2; border-color: #fecaca; }
/* gradio sets an inline overflow on every block: the chat box only scrolls inside itself with !important */
#nz-chat { height: clamp(240px, 56vh, 640px); overflow-y: auto !important; overscroll-behavior: contain;
           border-radius: 10px; border: 1px solid var(--border-color-primary);
           background: var(--background-fill-primary); }
.nz-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
              white-space: nowrap; }
#nz-starters { flex-wrap: wrap; }
@media (max-width: 640px) {
  /* a phone: the question box within the first screen, old answers scrolled inside the chat box */
  .nz-header p { display: none; }
  .nz-header h1 { font-size: 1.2rem; }
  #nz-starters { flex-wrap: nowrap; overflow-x: auto; }
  #nz-starters button { flex: 0 0 auto; max-width: 80vw; }
  #nz-chat { height: 38vh; min-height: 200px; }
}
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
a.nz-cite { font-weight: 700; font-size: .9em; text-decoration: none; padding: 0 .2em; border-radius: 4px;
            background: #dbeafe; color: #1e40af; cursor: pointer; }
a.nz-cite:hover { text-decoration: underline; }
#nz-sources-panel { max-height: 84vh; overflow-y: auto; }
.nz-sources-for { font-weight: 600; margin: .2rem 0 .5rem; }
.nz-hint { color: var(--body-text-color-subdued); }
.nz-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .6rem .8rem;
           margin-bottom: .6rem; background: var(--background-fill-primary); scroll-margin-top: .5rem; }
.nz-card.nz-flash { animation: nz-flash 1.6s ease-out; }
@keyframes nz-flash { 0% { box-shadow: 0 0 0 3px #f59e0b; } 100% { box-shadow: 0 0 0 0 transparent; } }
.nz-card-head { font-weight: 600; }
.nz-n { color: #1e40af; margin-right: .2rem; }
.nz-origin { font-size: .8rem; overflow-wrap: anywhere; margin: .2rem 0 .35rem; }
.nz-passage { position: relative; font-size: .85rem; line-height: 1.5; overflow-wrap: anywhere;
              max-height: 20rem; overflow-y: auto; padding-left: .6rem;
              border-left: 3px solid var(--border-color-primary); }
.nz-passage h1, .nz-passage h2, .nz-passage h3, .nz-passage h4, .nz-passage h5, .nz-passage h6 {
  font-size: .9rem; font-weight: 700; margin: .5rem 0 .2rem; }
.nz-passage p, .nz-passage ul, .nz-passage ol { margin: 0 0 .45rem; }
.nz-passage strong { font-size: inherit; }
.nz-passage ul, .nz-passage ol { padding-left: 1.2rem; }
.nz-passage table { border-collapse: collapse; font-size: .8rem; margin: .3rem 0; }
.nz-passage th, .nz-passage td { border: 1px solid var(--border-color-primary); padding: .15rem .35rem;
                                 text-align: left; vertical-align: top; }
button.nz-ask-this { display: inline-block; margin: .15rem 0; padding: .25rem .6rem; text-align: left; font: inherit;
                     border: 1px solid #93c5fd; border-radius: 8px; background: #eff6ff; color: #1e40af;
                     cursor: pointer; }
button.nz-ask-this:hover, button.nz-ask-this:focus-visible { background: #dbeafe; text-decoration: underline; }
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
(function () {
  var asked = 0, told = -1, pinned = false;
  function follow() {
    var box = document.getElementById("nz-chat");
    if (!box) return;
    var questions = box.querySelectorAll(".nz-user"), newest = questions[questions.length - 1];
    if (questions.length !== asked) {
      if (questions.length < asked) told = -1;
      asked = questions.length;
      pinned = Boolean(newest);
    }
    var answers = box.querySelectorAll(".nz-bot"), last = answers[answers.length - 1];
    var done = Boolean(last && last.querySelector(".nz-facts, .nz-error"));
    if (pinned) {  /* the newest question at the top of the box while its answer is written below it */
      box.scrollTop += newest.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      pinned = !done;
    }
    var live = document.getElementById("nz-live");
    if (!live || !done || answers.length - 1 === told) return;
    told = answers.length - 1;
    live.textContent = "Answer: " + last.querySelector(".nz-bubble").textContent;
  }
  function showMarks() {
    document.querySelectorAll("#nz-sources-panel .nz-passage:not([data-nz-shown])").forEach(function (passage) {
      passage.setAttribute("data-nz-shown", "");
      var mark = passage.querySelector("mark");
      if (mark) passage.scrollTop = mark.offsetTop - 24;
    });
  }
  new MutationObserver(function () { follow(); showMarks(); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
document.addEventListener("click", function (event) {
  var suggestion = event.target.closest ? event.target.closest("button.nz-ask-this") : null;
  var box = document.querySelector("#nz-question textarea"), ask = document.getElementById("nz-ask");
  if (suggestion && box && ask) {
    box.value = suggestion.getAttribute("data-question");
    box.dispatchEvent(new Event("input", {bubbles: true}));
    setTimeout(function () { ask.click(); }, 50);
    return;
  }
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
