// Parley console: small progressive enhancements. Every page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The account switcher submits as soon as an account is chosen.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Destructive forms ask first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // On a narrow screen the menu scrolls sideways: the current section is brought into view.
  document.querySelector("header nav a[aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
  // The first field with an error takes the focus.
  const invalid = document.querySelector(".field.invalid input, .field.invalid select");
  if (invalid) invalid.focus();
  if (document.body.dataset.csrf) listen();
});

const finalStatuses = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);

/** Follows the account's live events: calls as they are written, Clients as they register. */
function listen() {
  const source = new EventSource("/console/events");
  source.addEventListener("call", (message) => showCall(JSON.parse(message.data)));
  source.addEventListener("client", (message) => showClient(JSON.parse(message.data)));
  source.addEventListener("call", refreshCounts);
  source.addEventListener("client", refreshCounts);
}

function showCall(call) {
  const template = document.createElement("template");
  template.innerHTML = call.row.trim();
  const row = template.content.firstElementChild;
  for (const existing of document.querySelectorAll(`tbody[data-update] tr[data-sid="${call.sid}"]`)) {
    // A late write of an earlier state never reopens a finished call.
    if (finalStatuses.has(existing.dataset.status) && !call.final) continue;
    const fresh = row.cloneNode(true);
    existing.replaceWith(fresh);
  }
  const live = document.querySelector("tbody[data-live]");
  if (live && !live.querySelector(`tr[data-sid="${call.sid}"]`)) {
    const fresh = row.cloneNode(true);
    fresh.classList.add("fresh");
    live.prepend(fresh);
    const total = document.getElementById("call-total");
    if (total) total.textContent = String(Number(total.textContent) + 1);
    document.getElementById("no-calls")?.remove();
  }
  const status = document.getElementById("call-status");
  const facts = document.querySelector(`[data-call="${call.sid}"]`);
  if (status && facts && status.dataset.final !== "true") {
    status.textContent = call.status;
    status.className = `badge status-${call.status}`;
    // A finished call's page is drawn again with its whole timeline, recordings and quality.
    if (call.final) window.location.reload();
  }
}

function showClient(client) {
  for (const cell of document.querySelectorAll(`[data-client="${client.sid}"] [data-registration], [data-registration][data-client="${client.sid}"]`)) {
    cell.textContent = client.status;
    cell.classList.toggle("on", client.registered);
  }
}

let countsPending = false;
/** The dashboard's figures, fetched again (at most one request at a time) after a change. */
function refreshCounts() {
  const counts = document.querySelector("[data-refresh-on]");
  if (!counts || countsPending) return;
  countsPending = true;
  fetch(window.location.pathname, { credentials: "same-origin" })
    .then((response) => response.text())
    .then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById(counts.id);
      if (fresh) counts.innerHTML = fresh.innerHTML;
    })
    .finally(() => { countsPending = false; });
}
