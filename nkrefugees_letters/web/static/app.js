// nkletters: what JavaScript adds to pages that work without it — suggestions as you
// type, the letter's preview without leaving the page, and the batch's progress bar.
"use strict";

function suggest(input) {
  const list = document.getElementById(input.getAttribute("list"));
  if (!list || !input.dataset.suggest) return;
  let timer = null;
  let last = "";
  const ask = async () => {
    const typed = input.value.trim();
    if (typed.length < 2 || typed === last) return;
    last = typed;
    try {
      const response = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(typed));
      if (!response.ok) return;
      const names = await response.json();
      list.replaceChildren(...names.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        return option;
      }));
      if (response.headers.get("X-Complete") === "0") {
        last = "";  // the server is still reading its towns: ask again in a moment
        timer = setTimeout(ask, 1000);
      }
    } catch (error) { /* suggestions are a convenience: the form works without them */ }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
}

function swap(live, fresh) {
  // Fill the live region in place, so that screen readers announce the new letter.
  if (!fresh) return;
  live.className = fresh.className;
  live.replaceChildren(...fresh.childNodes);
}

function livePreview(form) {
  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    if (!button || button.value !== "show") return;  // the PDF button downloads as usual
    event.preventDefault();
    const data = new FormData(form);
    data.set("action", "show");
    const result = document.getElementById("result");
    result.setAttribute("aria-busy", "true");
    button.disabled = true;
    try {
      const response = await fetch(form.getAttribute("action"), { method: "POST", body: data });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("letter-form");
      const summary = page.getElementById("error-summary");
      if (summary && fresh) {
        form.replaceWith(fresh);
        swap(result, page.getElementById("result"));  // no stale letter beside errors
        livePreview(fresh);
        fresh.querySelectorAll("input[list]").forEach(suggest);
        document.getElementById("error-summary").focus();
        return;
      }
      const oldSummary = document.getElementById("error-summary");
      if (oldSummary) oldSummary.remove();
      form.querySelectorAll(".has-error").forEach((field) => field.classList.remove("has-error"));
      form.querySelectorAll(".field-error").forEach((message) => message.remove());
      swap(result, page.getElementById("result"));
      result.scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      form.submit();  // fall back to the page without JavaScript
    } finally {
      button.disabled = false;
      const current = document.getElementById("result");
      if (current) current.removeAttribute("aria-busy");
    }
  });
}

function progress(job) {
  const url = job.dataset.statusUrl;
  if (!["starting", "running"].includes(job.dataset.state)) return;
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const tick = async () => {
    try {
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) { window.location.reload(); return; }
      const status = await response.json();
      bar.max = status.total || 1;
      bar.value = status.done;
      text.textContent = status.done + " of " + (status.total || "…") + " letters";
      if (status.state === "done" || status.state === "failed") { window.location.reload(); return; }
    } catch (error) { /* try again on the next tick */ }
    setTimeout(tick, 500);
  };
  setTimeout(tick, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[list]").forEach(suggest);
  const form = document.getElementById("letter-form");
  if (form && window.fetch && window.DOMParser) livePreview(form);
  const job = document.getElementById("job");
  if (job) progress(job);
});
