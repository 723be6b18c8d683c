// Cria's chat page: plain JavaScript, no build step, no library. It talks only to the server it was
// loaded from (/v1/models, /v1/chat/completions with SSE). Model text is only ever put into the page
// as text nodes (textContent): the small markdown reader below builds elements, never HTML strings.
"use strict";

const $ = (id) => document.getElementById(id);
const STORE = { conversations: "cria.conversations", current: "cria.current", settings: "cria.settings", key: "cria.apiKey" };

const state = {
  conversations: load(STORE.conversations, []),
  currentId: load(STORE.current, null),
  settings: Object.assign({ system: "", temperature: 0.7, maxTokens: null }, load(STORE.settings, {})),
  model: null,
  controller: null,
};

function load(key, fallback) {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : JSON.parse(v);
  } catch (e) {
    return fallback;
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    // storage full or disabled: the chat still works, it is just not kept
  }
}

function apiKey() {
  return $("api-key").value.trim();
}

function headers() {
  const h = { "Content-Type": "application/json" };
  if (apiKey()) h["Authorization"] = "Bearer " + apiKey();
  return h;
}

function current() {
  let c = state.conversations.find((x) => x.id === state.currentId);
  if (!c) {
    c = { id: String(Date.now()), title: "New chat", messages: [] };
    state.conversations.unshift(c);
    state.currentId = c.id;
  }
  return c;
}

function persist() {
  save(STORE.conversations, state.conversations);
  save(STORE.current, state.currentId);
}

// ---- markdown, as DOM nodes ----

/** Renders text as paragraphs, headings, fenced code blocks and inline code/bold/italic. */
function renderMarkdown(text, into) {
  into.replaceChildren();
  const parts = text.split(/^```/m);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      // a fence: the first line is the language; an unclosed fence (still streaming) is code too
      const nl = part.indexOf("\n");
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      const lang = nl < 0 ? part.trim() : part.slice(0, nl).trim();
      if (lang) code.dataset.lang = lang;
      code.textContent = nl < 0 ? "" : part.slice(nl + 1).replace(/\n$/, "");
      pre.append(code);
      into.append(pre);
    } else {
      for (const block of part.split(/\n{2,}/)) {
        if (!block.trim()) continue;
        const heading = /^(#{1,6})\s+(.*)$/.exec(block.trim());
        const el = document.createElement(heading ? "h" + Math.min(6, heading[1].length + 2) : "p");
        renderInline(heading ? heading[2] : block.replace(/^\n+|\n+$/g, ""), el);
        into.append(el);
      }
    }
  });
}

function renderInline(text, into) {
  const pattern = /`([^`\n]+)`|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    into.append(document.createTextNode(text.slice(last, m.index)));
    const el = document.createElement(m[1] !== undefined ? "code" : m[2] !== undefined ? "strong" : "em");
    el.textContent = m[1] ?? m[2] ?? m[3];
    into.append(el);
    last = m.index + m[0].length;
  }
  into.append(document.createTextNode(text.slice(last)));
}

// ---- the page ----

function messageView(m) {
  const div = document.createElement("div");
  div.className = "message " + m.role + (m.error ? " error" : "");
  const role = document.createElement("div");
  role.className = "role";
  role.textContent = m.role === "user" ? "You" : m.error ? "Error" : state.model || "Assistant";
  const content = document.createElement("div");
  content.className = "content";
  renderMarkdown(m.content, content);
  const stats = document.createElement("div");
  stats.className = "stats";
  stats.textContent = m.stats || (m.stopped ? "stopped" : "");
  div.append(role, content, stats);
  return div;
}

function showConversation() {
  const c = current();
  $("messages").replaceChildren(...c.messages.map(messageView));
  $("messages").scrollTop = $("messages").scrollHeight;
  showConversationList();
}

function showConversationList() {
  const items = state.conversations.map((c) => {
    const li = document.createElement("li");
    if (c.id === state.currentId) li.className = "current";
    const open = document.createElement("button");
    open.type = "button";
    open.className = "open";
    open.textContent = c.title;
    open.addEventListener("click", () => {
      if (state.controller) return;
      state.currentId = c.id;
      persist();
      showConversation();
    });
    const del = document.createElement("button");
    del.type = "button";
    del.className = "delete";
    del.textContent = "×";
    del.title = "Delete this conversation";
    del.setAttribute("aria-label", "Delete " + c.title);
    del.addEventListener("click", () => {
      if (state.controller) return;
      state.conversations = state.conversations.filter((x) => x.id !== c.id);
      if (state.currentId === c.id) state.currentId = null;
      persist();
      showConversation();
    });
    li.append(open, del);
    return li;
  });
  $("conversations").replaceChildren(...items);
}

function setBusy(busy) {
  $("send").hidden = busy;
  $("stop").hidden = !busy;
  $("message").readOnly = busy;
  if (!busy) $("message").focus();
}

function status(text) {
  $("status").textContent = text;
}

async function loadModel() {
  try {
    const r = await fetch("/v1/models", { headers: headers() });
    if (r.status === 401) {
      needKey();
      return;
    }
    $("api-key-label").classList.remove("needed");
    const body = await r.json();
    state.model = body.data && body.data.length ? body.data[0].id : null;
    $("model").textContent = state.model || "no model";
    document.title = state.model ? state.model + " · Cria" : "Cria chat";
  } catch (e) {
    $("model").textContent = "server unreachable";
  }
}

function needKey() {
  $("model").textContent = "API key needed";
  $("api-key-label").classList.add("needed");
  toggleSettings(true);
  $("api-key").focus();
}

function toggleSettings(open) {
  const show = open ?? $("settings").hidden;
  $("settings").hidden = !show;
  $("toggle-settings").setAttribute("aria-expanded", String(show));
}

function readSettings() {
  state.settings = {
    system: $("system").value,
    temperature: Number($("temperature").value),
    // empty: no limit of ours, the server stops at the context's end
    maxTokens: $("max-tokens").value.trim() ? Math.max(1, Math.floor(Number($("max-tokens").value))) : null,
  };
  save(STORE.settings, state.settings);
}

async function send() {
  const text = $("message").value.trim();
  if (!text || state.controller) return;
  readSettings();
  const c = current();
  c.messages.push({ role: "user", content: text });
  if (c.title === "New chat") c.title = text.slice(0, 40);
  $("message").value = "";
  const answer = { role: "assistant", content: "" };
  c.messages.push(answer);
  persist();
  showConversation();
  const view = $("messages").lastElementChild;
  const content = view.querySelector(".content");
  content.classList.add("thinking");

  const messages = [];
  if (state.settings.system.trim()) messages.push({ role: "system", content: state.settings.system });
  for (const m of c.messages.slice(0, -1)) if (!m.error) messages.push({ role: m.role, content: m.content });

  state.controller = new AbortController();
  setBusy(true);
  status("Waiting for the first token…");
  const started = performance.now();
  let firstToken = null;
  let usage = null;
  let redraw = 0;
  try {
    const r = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: headers(),
      signal: state.controller.signal,
      body: JSON.stringify({
        model: state.model || undefined, messages, stream: true, stream_options: { include_usage: true },
        temperature: state.settings.temperature, max_tokens: state.settings.maxTokens ?? undefined,
      }),
    });
    if (!r.ok) throw new Error(await errorText(r));
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") continue;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message || "error");
          if (chunk.usage) usage = chunk.usage;
          const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
          if (delta && delta.content) {
            if (firstToken === null) {
              firstToken = performance.now();
              status("");
            }
            answer.content += delta.content;
          }
        }
      }
      if (!redraw) redraw = requestAnimationFrame(() => {
        redraw = 0;
        renderMarkdown(answer.content, content);
        $("messages").scrollTop = $("messages").scrollHeight;
      });
    }
    answer.stats = stats(usage, started, firstToken);
  } catch (e) {
    if (e.name === "AbortError") {
      answer.stopped = true;
    } else {
      answer.error = true;
      answer.content = answer.content ? answer.content + "\n\n" + e.message : e.message;
    }
  } finally {
    if (redraw) cancelAnimationFrame(redraw);
    state.controller = null;
    status("");
    persist();
    showConversation();
    setBusy(false);
  }
}

async function errorText(r) {
  if (r.status === 401) needKey();
  try {
    const body = await r.json();
    return (body.error && body.error.message) || "HTTP " + r.status;
  } catch (e) {
    return "HTTP " + r.status;
  }
}

/** As Ollama's --verbose: tokens, and tokens/s from the first token on (prefill is the wait before it). */
function stats(usage, started, firstToken) {
  if (!usage) return "";
  const now = performance.now();
  const tokens = usage.completion_tokens;
  const parts = [tokens + " tokens"];
  if (firstToken !== null) {
    parts.push(((firstToken - started) / 1000).toFixed(2) + " s to first token");
    if (tokens > 1 && now > firstToken) parts.push(((tokens - 1) / ((now - firstToken) / 1000)).toFixed(1) + " tokens/s");
  }
  return parts.join(" · ");
}

function stop() {
  if (state.controller) state.controller.abort();
}

function newChat() {
  if (state.controller) return;
  state.currentId = null;
  current();
  persist();
  showConversation();
  $("message").focus();
}

document.addEventListener("DOMContentLoaded", () => {
  $("system").value = state.settings.system;
  $("temperature").value = state.settings.temperature;
  $("max-tokens").value = state.settings.maxTokens ?? "";
  $("api-key").value = load(STORE.key, "");
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    send();
  });
  $("stop").addEventListener("click", stop);
  $("new-chat").addEventListener("click", newChat);
  $("toggle-settings").addEventListener("click", () => toggleSettings());
  $("toggle-sidebar").addEventListener("click", () => ($("sidebar").hidden = !$("sidebar").hidden));
  for (const id of ["system", "temperature", "max-tokens"]) $(id).addEventListener("change", readSettings);
  $("api-key").addEventListener("change", () => {
    save(STORE.key, apiKey());
    loadModel();
  });
  $("message").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") stop();
  });
  if (window.matchMedia("(max-width: 40rem)").matches) $("sidebar").hidden = true;
  showConversation();
  loadModel();
  $("message").focus();
});
