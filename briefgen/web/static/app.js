// briefgen serve: the preview, the downloads, the campaign upload and its progress.
// Plain JavaScript, no library, no network beyond this server.
"use strict";

const T = JSON.parse(document.getElementById("strings").textContent);
const CSRF = document.querySelector('meta[name="csrf-token"]').content;

function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

async function api(url, options = {}) {
  const headers = Object.assign({ "X-CSRF-Token": CSRF }, options.headers || {});
  const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options,
                                                  { headers }));
  let data = {};
  try { data = await response.json(); } catch (e) { data = { error: T.server_error }; }
  return { ok: response.ok, status: response.status, data };
}

function postJSON(url, body, signal) {
  return api(url, { method: "POST", body: JSON.stringify(body), signal,
                    headers: { "Content-Type": "application/json" } });
}

// Dates as the person's browser writes them (en-GB: 02/12/2026), if it speaks the page's
// language; otherwise as the page's language does.
function dateLocale() {
  const page = document.documentElement.lang;
  const mine = navigator.language || "";
  return mine.split("-")[0] === page ? mine : page;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ------------------------------------------------------------------ one brief

function briefPage() {
  const form = document.getElementById("brief-form");
  const status = document.getElementById("preview-status");
  const pagesList = document.getElementById("pages");
  const general = document.getElementById("problem-general");
  const warnings = document.getElementById("warnings");
  const examplesList = document.getElementById("examples-list");
  const downloadStatus = document.getElementById("download-status");
  let timer = null, controller = null, sequence = 0;
  let examplesTouched = false;
  let touched = new Set();

  function fields() {
    const data = {};
    for (const name of ["municipality", "country", "lang", "layout", "brand", "organisation",
                        "contact", "local_context", "date"]) {
      const input = form.elements[name];
      if (input) data[name] = input.value;
    }
    data.priorities = [...form.querySelectorAll('input[name="priorities"]:checked')]
      .map((x) => x.value);
    if (examplesTouched) {
      data.examples = [...examplesList.querySelectorAll('input[type="checkbox"]:checked')]
        .map((x) => x.value);
    }
    return data;
  }

  function kind() {
    return document.querySelector('input[name="preview_kind"]:checked').value;
  }

  // Each field's message is written only when it changes: the boxes are live regions
  // (role=alert), and a screen reader would otherwise repeat them at every keystroke.
  function showProblems(problems, all) {
    const texts = new Map();
    const generalLines = [];
    for (const p of problems) {
      const box = p.field && document.getElementById("problem-" + p.field);
      if (box) {
        if (!all && !touched.has(p.field)) continue;
        texts.set(p.field, (texts.has(p.field) ? texts.get(p.field) + " " : "") + p.message);
      } else {
        generalLines.push(p.message);
      }
    }
    for (const box of form.querySelectorAll(".problem")) {
      if (box.closest("#brand-upload")) continue;   // the upload's own, see uploadBrand
      const field = box.id.replace("problem-", "");
      const text = texts.get(field) || "";
      if (box.textContent !== text) box.textContent = text;
      box.hidden = !text;
      const input = document.getElementById("f-" + field);
      if (input) {
        if (text) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }
    const general_text = generalLines.join(" ");
    if (general.textContent !== general_text) general.textContent = general_text;
    general.hidden = !general_text;
  }

  function showWarnings(list) {
    warnings.replaceChildren();
    for (const w of list) warnings.append(el("li", {}, T.warning + ": " + w.message));
    warnings.hidden = !list.length;
  }

  function showExamples(list) {
    if (!list.length) return;
    examplesList.replaceChildren();
    for (const e of list) {
      const id = "e-" + e.id;
      const li = el("li");
      const box = el("input", { type: "checkbox", id, value: e.id });
      box.checked = e.chosen;
      const where = [e.places, e.year].filter(Boolean).join(", ");
      const label = el("label", { for: id });
      label.append(el("span", { class: "ex-title" }, e.title));
      if (where) label.append(el("span", { class: "ex-where" }, where));
      li.append(box, label);
      examplesList.append(li);
    }
  }

  function showPages(list) {
    pagesList.replaceChildren();
    list.forEach((src, i) => {
      const li = el("li");
      const img = el("img", { src, alt: fmt(T.page_n, { n: i + 1 }), width: "200" });
      li.append(img, el("span", { class: "page-no", "aria-hidden": "true" }, String(i + 1)));
      pagesList.append(li);
    });
  }

  async function refresh() {
    const mine = ++sequence;
    if (controller) controller.abort();
    controller = new AbortController();
    status.textContent = T.preview_updating;
    pagesList.classList.add("stale");
    let result;
    try {
      result = await postJSON("/api/preview", { fields: fields(), what: kind() },
                              controller.signal);
    } catch (e) {
      if (e.name === "AbortError") return;
      status.textContent = T.server_error;
      return;
    }
    if (mine !== sequence || result.data.superseded) return;
    pagesList.classList.remove("stale");
    const data = result.data;
    if (!result.ok) { status.textContent = data.error || T.server_error; return; }
    showProblems(data.problems || [], false);
    showWarnings(data.warnings || []);
    showExamples(data.examples || []);
    if (data.pages && data.pages.length) {
      showPages(data.pages);
      status.textContent = data.pages.length === 1 ? T.preview_ready_one
        : fmt(T.preview_ready, { pages: data.pages.length });
      status.dataset.state = "ready";
    } else {
      status.dataset.state = "problem";
      const named = form.elements.municipality.value.trim();
      status.textContent = named ? T.preview_problem : T.preview_empty;
      if (named) pagesList.classList.add("stale");   // the last good pages, dimmed
      else pagesList.replaceChildren();
    }
  }

  function schedule(delay = 350) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("input", (event) => {
    const t = event.target;
    if (t.type === "file") return;   // a brand is used once it is uploaded
    if (t.name) touched.add(t.name);
    if (t.closest("#examples-list")) examplesTouched = true;
    if (t.name === "country" || t.name === "priorities") examplesTouched = false;
    schedule(t.type === "checkbox" || t.tagName === "SELECT" ? 50 : 350);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const radio of document.querySelectorAll('input[name="preview_kind"]')) {
    radio.addEventListener("change", () => schedule(0));
  }

  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      downloadStatus.textContent = T.downloading;
      try {
        const result = await postJSON("/api/build", { fields: fields(),
                                                      what: button.dataset.download });
        if (result.ok) {
          const a = el("a", { href: result.data.url, download: result.data.name });
          document.body.append(a);
          a.click();
          a.remove();
          downloadStatus.textContent = fmt(T.downloaded, { name: result.data.name });
        } else {
          for (const name of ["municipality", "country", "lang", "layout", "date"]) touched.add(name);
          showProblems(result.data.problems || [], true);
          downloadStatus.textContent = result.data.error || T.preview_problem;
        }
      } catch (e) {
        downloadStatus.textContent = T.server_error;
      } finally {
        button.disabled = false;
      }
    });
  }
  // ---------------------------------------------------------------- brand upload
  const brandSelect = form.elements.brand;
  const brandStatus = document.getElementById("brand-status");
  const brandSave = document.getElementById("brand-save");
  const uploadFields = ["brand_file", "logo", "brand_files"];

  function uploadProblems(problems) {
    const texts = new Map();
    for (const p of problems) {
      const field = uploadFields.includes(p.field) ? p.field : "brand_file";
      texts.set(field, (texts.has(field) ? texts.get(field) + " " : "") + p.message);
    }
    let first = null;
    for (const field of uploadFields) {
      const box = document.getElementById("problem-" + field);
      const input = document.getElementById("f-" + field);
      const text = texts.get(field) || "";
      box.textContent = text;
      box.hidden = !text;
      if (text) { input.setAttribute("aria-invalid", "true"); first = first || input; }
      else input.removeAttribute("aria-invalid");
    }
    return first;
  }

  brandSave.addEventListener("click", async () => {
    const body = new FormData();
    for (const field of uploadFields) {
      for (const file of document.getElementById("f-" + field).files) body.append(field, file);
    }
    uploadProblems([]);
    brandSave.disabled = true;
    brandStatus.textContent = T.brand_uploading;
    let result;
    try {
      result = await api("/api/brands", { method: "POST", body });
    } catch (e) {
      result = { ok: false, data: { error: T.server_error } };
    } finally {
      brandSave.disabled = false;
    }
    if (result.ok) {
      const b = result.data;
      const option = el("option", { value: b.id }, b.label);
      brandSelect.insertBefore(option, brandSelect.options[1] || null);
      brandSelect.value = b.id;
      touched.add("brand");
      for (const field of uploadFields) document.getElementById("f-" + field).value = "";
      brandStatus.textContent = fmt(T.brand_saved, { name: b.name }) +
        (b.notes && b.notes.length ? " " + T.warning + ": " + b.notes.join(" ") : "");
      document.getElementById("brand-upload").open = false;
      brandSelect.focus();    // the upload closed: the choice it made is where to go on
      schedule(0);
      return;
    }
    brandStatus.textContent = "";
    const first = uploadProblems(result.data.problems ||
                                 [{ field: "brand_file", message: result.data.error || T.server_error }]);
    if (first) first.focus();
  });

  if (form.elements.municipality.value.trim()) schedule(0);
}

// ------------------------------------------------------------------ a campaign

function campaignPage() {
  const upload = document.getElementById("upload-form");
  const uploadStatus = document.getElementById("upload-status");
  const fileProblem = document.getElementById("problem-file");
  const box = document.getElementById("campaign");
  const startButton = document.getElementById("start");
  const zip = document.getElementById("zip");
  let current = null, poller = null;

  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return m ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
  }

  function fillTable(tbody, rows, keys) {
    tbody.replaceChildren();
    for (const row of rows) {
      const tr = el("tr");
      for (const k of keys) tr.append(el("td", {}, row[k] === undefined ? "" : String(row[k])));
      tbody.append(tr);
    }
  }

  function show(state) {
    const was = current && current.id === state.id ? current.status : null;
    current = state;
    box.hidden = false;
    document.getElementById("campaign-name").textContent = state.name;
    const problems = state.problems || [];
    document.getElementById("campaign-summary").textContent =
      (T["status_" + state.status] || state.status) + ". " +
      (problems.length ? fmt(state.status === "checked" || state.status === "running"
                               ? T.checked_bad : T.built_bad,
                             { bad: state.bad_rows, total: state.total })
                       : fmt(T.checked_ok, { total: state.total })) +
      (state.message ? " " + state.message : "") +
      (state.brand ? " " + T.brand + ": " + state.brand.label + "." : "");
    document.getElementById("problems-wrap").hidden = !problems.length;
    fillTable(document.querySelector("#problems tbody"), problems,
              ["row", "municipality", "column", "message"]);
    const running = state.status === "running";
    startButton.hidden = running;
    startButton.textContent = state.status === "interrupted" ? T.resume
      : state.status === "done" || state.status === "error" ? T.rebuild : T.start;
    // once there is something to download, that is the main action
    startButton.classList.toggle("primary", state.status !== "done");
    const progressWrap = document.getElementById("progress-wrap");
    progressWrap.hidden = state.status === "checked";
    const bar = document.getElementById("progress");
    bar.max = state.total || 1;
    bar.value = state.done || 0;
    document.getElementById("progress-line").textContent = fmt(T.progress_line, {
      done: state.done || 0, total: state.total || 0, built: state.built || 0,
      skipped: state.skipped || 0, failed: state.failed || 0 });
    document.getElementById("time-left").textContent =
      running && state.eta != null ? fmt(T.time_left, { time: clock(state.eta) }) : "";
    const failures = state.failures || [];
    document.getElementById("failures-wrap").hidden = !failures.length;
    fillTable(document.querySelector("#failures tbody"), failures,
              ["row", "municipality", "message"]);
    zip.hidden = state.status !== "done" && state.status !== "interrupted";
    zip.href = `/campaigns/${state.id}/download`;
    if (running && !poller) { poller = setInterval(poll, 700); list(); }
    if (!running && poller) { clearInterval(poller); poller = null; list(); }
    // the button pressed is hidden while the campaign builds: once it is built, the
    // download is where the keyboard goes on
    if (was === "running" && !zip.hidden) zip.focus();
  }

  async function poll() {
    if (!current) return;
    const result = await api(`/api/campaigns/${current.id}`);
    if (result.ok) show(result.data);
  }

  async function list() {
    const result = await api("/api/campaigns");
    if (!result.ok) return;
    const tbody = document.querySelector("#campaign-list tbody");
    tbody.replaceChildren();
    if (!result.data.length) {
      const tr = el("tr", { class: "empty" });
      tr.append(el("td", { colspan: "5" }, T.no_campaigns));
      tbody.append(tr);
    }
    for (const c of result.data) {
      const tr = el("tr");
      tr.append(el("td", {}, c.name),
                el("td", {}, new Date(c.created * 1000).toLocaleString(dateLocale())),
                el("td", {}, String(c.total)),
                el("td", {}, T["status_" + c.status] || c.status));
      const td = el("td");
      const button = el("button", { type: "button", class: "small" }, T.open);
      button.setAttribute("aria-label", `${T.open}: ${c.name}`);
      button.addEventListener("click", async () => {
        const r = await api(`/api/campaigns/${c.id}`);
        if (r.ok) { show(r.data); box.scrollIntoView({ behavior: "smooth" }); startButton.focus(); }
      });
      td.append(button);
      tr.append(td);
      tbody.append(tr);
    }
  }

  upload.addEventListener("submit", async (event) => {
    event.preventDefault();
    fileProblem.hidden = true;
    const input = document.getElementById("f-file");
    input.removeAttribute("aria-invalid");
    if (!input.files.length) return;
    const body = new FormData();
    body.append("file", input.files[0]);
    body.append("brand", document.getElementById("f-brand").value);
    uploadStatus.textContent = T.uploading;
    const result = await api("/api/campaigns", { method: "POST", body });
    uploadStatus.textContent = "";
    if (result.ok) {
      show(result.data);
      list();
      box.scrollIntoView({ behavior: "smooth", block: "start" });
      startButton.focus();      // checked: building is the next step
      return;
    }
    fileProblem.textContent = result.data.problems
      ? result.data.problems.map((p) => p.message).join(" ") : (result.data.error || T.server_error);
    fileProblem.hidden = false;
    input.setAttribute("aria-invalid", "true");
  });

  startButton.addEventListener("click", async () => {
    if (!current) return;
    const result = await api(`/api/campaigns/${current.id}/start`, { method: "POST" });
    if (result.ok) show(result.data);
    else document.getElementById("campaign-summary").textContent = result.data.error || T.server_error;
  });
  list();
}

if (document.body.dataset.page === "brief") briefPage();
if (document.body.dataset.page === "campaign") campaignPage();
