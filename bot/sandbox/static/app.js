// kimbot Telegram sandbox page: two chat panes acting as simulated Telegram users.
// Talks to the JSON API under /sandbox/ (see bot/sandbox/pageapi.py). No dependencies.
"use strict";

const LANGUAGES = [
  ["none", "— none —"], ["de", "de · Deutsch"], ["en", "en · English"],
  ["ar", "ar · العربية"], ["uk", "uk · Українська"], ["ru", "ru · Русский"],
  ["fa", "fa · فارسی"], ["ps", "ps · پښتو"], ["tr", "tr · Türkçe"],
  ["ku", "ku · Kurdî"], ["ti", "ti · ትግርኛ"], ["fr", "fr · Français"],
  ["so", "so · Soomaali"], ["ro", "ro · Română"], ["bg", "bg · Български"],
  ["pl", "pl · Polski"], ["sq", "sq · Shqip"], ["es", "es · Español"],
];

const PANES = {
  client: {
    title: "Newcomer / Ratsuchende",
    user: { id: 100001, first_name: "Amal", language_code: "ar" },
    idRange: [100002, 199999],
    names: ["Yusuf", "Olena", "Dawit", "Reza", "Mariam", "Ahmad", "Natalia", "Leyla", "Samir"],
  },
  staff: {
    title: "Staff / Mitarbeitende",
    user: { id: 700001, first_name: "Demo Admin", language_code: "de" },
    idRange: [700002, 799999],
    names: ["Sabine", "Jonas", "Aylin", "Markus", "Petra"],
  },
};

const ENTITY_TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
  pre: "pre", spoiler: "span", blockquote: "blockquote", expandable_blockquote: "blockquote",
  text_link: "a", url: "a", bot_command: "span", mention: "span", hashtag: "span",
};

// Line icons as inline SVG (constant markup): the page must not depend on an emoji font.
const ICONS = {
  photo: '<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/>',
  voice: '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21"/>',
  sticker: '<circle cx="12" cy="12" r="9"/><path d="M8 14.5s1.5 2 4 2 4-2 4-2"/><path d="M9 9.5v.5M15 9.5v.5"/>',
  location: '<path d="M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11z"/><circle cx="12" cy="10" r="2.2"/>',
  document: '<path d="M6 3h8l4 4v14H6z"/><path d="M14 3v4h4M9 12h6M9 16h6"/>',
  contact: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>',
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("icon");
  svg.innerHTML = ICONS[name];
  return svg;
}

// ----------------------------------------------------------------- helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function safeUrl(url) {
  // Only real links: never let bot-supplied text become a javascript: URL.
  return /^(https?:|tg:)/i.test(url || "") ? url : null;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// Message times in the zone the bots use (KIMBOT_TIMEZONE), not the browser's: a demo in
// Berlin and a browser elsewhere must show the same times as the bots write.
let TIME_ZONE = undefined;

function formatTime(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return date.toLocaleTimeString("de-DE", { ...options, timeZone: TIME_ZONE });
  } catch (error) {  // an unknown zone name: the browser's own
    return date.toLocaleTimeString("de-DE", options);
  }
}

function formatDate(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  try {
    return date.toLocaleString("de-DE", { timeZone: TIME_ZONE, timeZoneName: "short" });
  } catch (error) {
    return date.toLocaleString("de-DE");
  }
}

// Render Telegram entities (UTF-16 offsets, like JS strings) as nested inline elements.
function renderText(text, entities, onCommand) {
  const fragment = document.createDocumentFragment();
  const list = (entities || []).filter((e) => ENTITY_TAGS[e.type]);
  const cuts = new Set([0, text.length]);
  for (const e of list) { cuts.add(e.offset); cuts.add(e.offset + e.length); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const [start, end] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(start, end));
    const active = list.filter((e) => e.offset <= start && e.offset + e.length >= end);
    for (const e of active.reverse()) {
      const wrapper = el(ENTITY_TAGS[e.type], `entity-${e.type}`);
      if (e.type === "text_link" || e.type === "url") {
        const href = safeUrl(e.type === "url" ? node.textContent : e.url);
        if (href) { wrapper.href = href; wrapper.target = "_blank"; wrapper.rel = "noopener"; }
      }
      if (e.type === "spoiler") wrapper.addEventListener("click", () => wrapper.classList.add("revealed"));
      if (e.type === "bot_command") {
        const command = text.slice(e.offset, e.offset + e.length);
        wrapper.addEventListener("click", () => onCommand(command));
      }
      wrapper.appendChild(node);
      node = wrapper;
    }
    fragment.appendChild(node);
  }
  return fragment;
}

// ------------------------------------------------------------------- panes

class ChatPane {
  constructor(root, name, config) {
    this.root = root;
    this.name = name;
    this.config = config;
    this.bot = null;
    this.user = this.loadUser();
    this.seq = 0;
    this.generation = 0; // bumped on user switch: stale long polls stop
    this.abort = null;
    this.nodes = new Map(); // message_id -> .msg element
    this.toastTimer = null;
    this.boot = null; // the sandbox's boot id: a new one means it was restarted
    this.stick = true; // keep the newest message in view (the user has not scrolled up)
    this.build();
  }

  build() {
    const template = document.getElementById("pane-template");
    this.root.appendChild(template.content.cloneNode(true));
    const $ = (selector) => this.root.querySelector(selector);
    this.$ = { messages: $(".messages"), composer: $(".composer"), send: $(".send"),
      toast: $(".toast"), replyKeyboard: $(".reply-keyboard"), botName: $(".bot-name"),
      avatar: $(".avatar"), id: $(".user-id"), firstName: $(".user-name"), lang: $(".user-lang") };
    $(".pane-title").textContent = this.config.title;
    for (const [code, label] of LANGUAGES) this.$.lang.appendChild(new Option(label, code));
    this.showUser();

    this.$.send.addEventListener("click", () => this.sendComposer());
    this.$.composer.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendComposer();
      }
    });
    this.$.composer.addEventListener("input", () => this.autoGrow());
    // Scrolling up to read stops following new messages; back at the bottom follows again.
    // Only a move upwards can stop it: the scroll event of our own jump to the bottom may
    // arrive after a picture made the pane taller, and must not read as "the user scrolled up".
    this.lastTop = 0;
    this.$.messages.addEventListener("scroll", () => {
      const top = this.$.messages.scrollTop;
      if (top < this.lastTop) this.stick = this.isNearBottom();
      else if (this.isNearBottom()) this.stick = true;
      this.lastTop = top;
    });
    for (const button of this.root.querySelectorAll(".attach-btn")) {
      button.appendChild(icon(button.dataset.kind));
      button.addEventListener("click", () => this.send({ kind: button.dataset.kind }));
    }
    this.$.id.addEventListener("change", () => this.switchToId(Number(this.$.id.value)));
    this.$.firstName.addEventListener("change", () => this.saveUser(this.readUser()));
    this.$.lang.addEventListener("change", () => this.saveUser(this.readUser()));
    $(".new-user").addEventListener("click", () => this.switchUser(this.randomUser()));
  }

  // ---- simulated user

  loadUser() {
    try {
      const saved = JSON.parse(localStorage.getItem(`kimbot-sandbox-${this.name}`));
      if (saved && saved.id) return saved;
    } catch (error) { /* no storage: use defaults */ }
    return { ...this.config.user };
  }

  saveUser(user) {
    this.user = user;
    try { localStorage.setItem(`kimbot-sandbox-${this.name}`, JSON.stringify(user)); }
    catch (error) { /* private mode: fine */ }
  }

  showUser() {
    this.$.id.value = this.user.id;
    this.$.firstName.value = this.user.first_name;
    this.$.lang.value = this.user.language_code || "none";
  }

  readUser() {
    const lang = this.$.lang.value;
    return {
      id: Number(this.$.id.value) || this.user.id,
      first_name: this.$.firstName.value.trim() || `User ${this.$.id.value}`,
      language_code: lang === "none" ? null : lang,
    };
  }

  randomUser() {
    const [low, high] = this.config.idRange;
    const names = this.config.names;
    return {
      id: low + Math.floor(Math.random() * (high - low)),
      first_name: names[Math.floor(Math.random() * names.length)],
      language_code: this.readUser().language_code,
    };
  }

  async switchToId(id) {
    if (!id) return;
    // Switch at once, so whatever is typed next is written by this user, not the previous one.
    this.switchUser({ ...this.readUser(), id });
    if (!this.bot) return;
    // Returning to a user the sandbox already knows restores their name and language.
    const { users } = await api(`/sandbox/chats?bot=${encodeURIComponent(this.bot.username)}`)
      .catch(() => ({ users: [] }));
    const known = users.find((u) => u.id === id);
    if (known && this.user.id === id) {
      this.saveUser({ id, first_name: known.first_name, language_code: known.language_code || null });
      this.showUser();
    }
  }

  switchUser(user) {
    this.saveUser(user);
    this.showUser();
    if (this.bot) this.loadChat();
  }

  // ---- connection

  async attach(bot) {
    this.bot = bot;
    this.$.botName.textContent = `${bot.first_name} · @${bot.username}`;
    this.$.avatar.textContent = (bot.first_name || "?").trim().charAt(0).toUpperCase();
    this.$.composer.disabled = false;
    this.$.send.disabled = false;
    await this.loadChat();
  }

  detach(message) {
    this.$.botName.textContent = message;
    this.$.messages.replaceChildren(el("div", "empty", message));
  }

  async loadChat() {
    this.generation += 1;
    const generation = this.generation;
    if (this.abort) this.abort.abort();
    this.nodes.clear();
    this.$.messages.replaceChildren();
    this.root.dataset.ready = "0";
    const query = `bot=${encodeURIComponent(this.bot.username)}&chat=${this.user.id}`;
    const history = await api(`/sandbox/history?${query}`);
    if (generation !== this.generation) return;
    this.boot = history.boot;
    this.showResetNote(history);
    for (const entry of history.messages) this.upsert(entry);
    this.showReplyKeyboard(history.reply_keyboard);
    this.seq = history.seq;
    this.showEmptyHint();
    this.scrollToBottom(true);
    this.root.dataset.ready = "1";
    this.poll(generation, query);
  }

  // The sandbox keeps its chats in memory. After a restart a chat that had messages comes
  // back empty: say so plainly, instead of a chat that silently forgot everything.
  historyKey() { return `kimbot-sandbox-seen-${this.name}-${this.bot.username}-${this.user.id}`; }

  showResetNote(history) {
    let seen = null;
    try { seen = localStorage.getItem(this.historyKey()); } catch (error) { /* no storage */ }
    this.root.querySelectorAll(".reset-note").forEach((n) => n.remove());
    if (seen && seen !== history.boot && !history.messages.length) {
      const note = el("div", "reset-note",
        "The sandbox was restarted: it keeps chats in memory only, so the earlier messages " +
        "of this chat are gone. The bots still remember where you were (their database " +
        "kept it): write /menu or /start to go on.");
      note.setAttribute("role", "status");
      this.$.messages.before(note);
    }
    this.rememberHistory(history.boot, history.messages.length > 0);
  }

  rememberHistory(boot, hasMessages) {
    if (!hasMessages) return;
    try { localStorage.setItem(this.historyKey(), boot); } catch (error) { /* private mode */ }
  }

  async poll(generation, query) {
    while (generation === this.generation) {
      this.abort = new AbortController();
      try {
        const response = await fetch(
          `/sandbox/events?${query}&after=${this.seq}&boot=${encodeURIComponent(this.boot || "")}`,
          { signal: this.abort.signal });
        const data = await response.json();
        if (generation !== this.generation) return;
        // Restarted meanwhile: its numbering started over; load the chat as it is now.
        if (data.boot !== this.boot || data.seq < this.seq) { this.loadChat(); return; }
        for (const event of data.events) this.apply(event);
        if (data.events.some((e) => e.kind === "message")) this.rememberHistory(this.boot, true);
        this.seq = Math.max(this.seq, data.seq);
        this.showReplyKeyboard(data.reply_keyboard);
      } catch (error) {
        if (error.name === "AbortError" || generation !== this.generation) return;
        this.$.botName.textContent = "sandbox unreachable, retrying…";
        await new Promise((resolve) => setTimeout(resolve, 2000));
        if (this.bot) this.$.botName.textContent = `${this.bot.first_name} · @${this.bot.username}`;
      }
    }
  }

  apply(event) {
    if (event.kind === "message" || event.kind === "edit") {
      const stick = this.stick || this.isNearBottom() || !event.entry.from_bot;
      this.upsert(event.entry, event.kind === "edit");
      this.scrollToBottom(stick);
    } else if (event.kind === "delete") {
      const node = this.nodes.get(event.message_id);
      if (node) node.remove();
      this.nodes.delete(event.message_id);
    } else if (event.kind === "callback_answer") {
      this.clearPending(event.message_id);
      if (event.answer.text) this.toast(event.answer.text, event.answer.show_alert);
    }
    this.showEmptyHint();
  }

  // ---- sending

  async send(payload) {
    if (!this.bot) return false;
    try {
      await api("/sandbox/send", { bot: this.bot.username, user: this.user, ...payload });
      return true;
    } catch (error) {
      this.toast(`Not sent: ${error.message}`, false, true);
      return false;
    }
  }

  async sendComposer() {
    const text = this.$.composer.value;
    if (!text.trim()) return;
    this.$.composer.value = "";
    this.autoGrow();
    if (!(await this.send({ text }))) this.$.composer.value = text;
    this.$.composer.focus();
  }

  async press(entry, button, node) {
    node.classList.add("pending");
    try {
      await api("/sandbox/press", { bot: this.bot.username, user: this.user,
        message_id: entry.message_id, data: button.callback_data });
    } catch (error) {
      node.classList.remove("pending");
      this.toast(`Button failed: ${error.message}`, false, true);
      return;
    }
    // Telegram shows a spinner until the bot answers; give up after a while like the app does.
    setTimeout(() => node.classList.remove("pending"), 8000);
  }

  clearPending(messageId) {
    const node = this.nodes.get(messageId);
    if (node) node.querySelectorAll(".pending").forEach((b) => b.classList.remove("pending"));
  }

  // ---- rendering

  upsert(entry, edited = false) {
    const node = this.renderMessage(entry);
    const old = this.nodes.get(entry.message_id);
    if (old) {
      old.replaceWith(node);
      if (edited) node.classList.add("flash");
    } else {
      this.$.messages.appendChild(node);
    }
    this.nodes.set(entry.message_id, node);
  }

  renderMessage(entry) {
    const node = el("div", `msg ${entry.from_bot ? "bot" : "user"}`);
    node.dataset.messageId = entry.message_id;
    node.dataset.rev = entry.rev;
    const bubble = el("div", "bubble");
    node.appendChild(bubble);
    this.renderMedia(bubble, entry);
    if (entry.text) {
      const text = el("div", "text");
      text.dir = "auto";
      text.appendChild(renderText(entry.text, entry.entities, (cmd) => this.send({ text: cmd })));
      bubble.appendChild(text);
    }
    const meta = el("div", "meta");
    if (entry.edit_date) meta.appendChild(el("span", "edited", "edited"));
    const time = el("time", null, formatTime(entry.date));
    time.title = formatDate(entry.date);
    meta.appendChild(time);
    bubble.appendChild(meta);
    if (entry.buttons && entry.buttons.length) node.appendChild(this.renderKeyboard(entry));
    return node;
  }

  renderMedia(bubble, entry) {
    if (entry.document) {
      const doc = entry.document;
      const card = el("a", "document");
      card.href = `/sandbox/files/${encodeURIComponent(doc.file_id)}`;
      card.download = doc.file_name || "document";
      const badge = el("span", "doc-icon");
      badge.appendChild(icon("document"));
      const info = el("span", "doc-info");
      const name = el("span", "doc-name", doc.file_name || "document");
      name.dir = "auto";
      info.append(name, el("span", "doc-size", `${formatSize(doc.file_size || 0)} · Download`));
      card.append(badge, info);
      bubble.appendChild(card);
    } else if (entry.photo && entry.from_bot) {
      const img = el("img", "photo");
      img.src = `/sandbox/files/${encodeURIComponent(entry.photo.file_id)}?inline=1`;
      img.alt = "photo";
      // The picture gets its height only once loaded: keep the newest message in view.
      img.addEventListener("load", () => this.scrollToBottom(this.stick));
      bubble.appendChild(img);
    } else if (entry.sticker) {
      // No sticker artwork offline: a large icon plus the sticker's emoji.
      bubble.classList.add("sticker-bubble");
      const sticker = el("div", "sticker");
      sticker.title = `Sticker ${entry.sticker.emoji || ""}`;
      sticker.append(icon("sticker"), el("span", "sticker-emoji", entry.sticker.emoji || ""));
      bubble.appendChild(sticker);
    } else {
      const placeholder = this.mediaLabel(entry);
      if (placeholder) {
        const box = el("div", "media-placeholder");
        box.append(icon(placeholder[0]), el("span", null, placeholder[1]));
        bubble.appendChild(box);
      }
    }
  }

  mediaLabel(entry) {
    // Simulated user uploads carry no real media: show what kind of message it was.
    if (entry.photo) return ["photo", "Photo"];
    if (entry.voice) {
      const seconds = entry.voice.duration || 0;
      return ["voice", `Voice message · ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`];
    }
    if (entry.location) {
      const { latitude, longitude } = entry.location;
      return ["location", `Location · ${latitude.toFixed(4)}, ${longitude.toFixed(4)}`];
    }
    if (entry.contact) {
      return ["contact", `${entry.contact.first_name} · ${entry.contact.phone_number}`];
    }
    return null;
  }

  renderKeyboard(entry) {
    const keyboard = el("div", "inline-keyboard");
    for (const row of entry.buttons) {
      const rowNode = el("div", "kb-row");
      for (const button of row) {
        let node;
        if (button.url && safeUrl(button.url)) {
          node = el("a", "inline-btn url", button.text);
          node.href = safeUrl(button.url);
          node.target = "_blank";
          node.rel = "noopener";
        } else {
          node = el("button", "inline-btn", button.text);
          node.type = "button";
          if (button.callback_data !== undefined) {
            node.dataset.callbackData = button.callback_data;
            node.addEventListener("click", () => this.press(entry, button, node));
          } else {
            node.disabled = true;
            node.title = "This button type is not simulated";
          }
        }
        node.dir = "auto";
        rowNode.appendChild(node);
      }
      keyboard.appendChild(rowNode);
    }
    return keyboard;
  }

  showReplyKeyboard(markup) {
    const box = this.$.replyKeyboard;
    const key = JSON.stringify(markup || null);
    if (box.dataset.markup === key) return; // unchanged: keep the DOM (and focus) stable
    box.dataset.markup = key;
    box.replaceChildren();
    this.$.composer.placeholder = (markup && markup.input_field_placeholder) || "Message";
    if (!markup || !markup.keyboard) { box.hidden = true; return; }
    for (const row of markup.keyboard) {
      const rowNode = el("div", "kb-row");
      for (const button of row) {
        const node = el("button", "reply-btn", button.text);
        node.type = "button";
        node.dir = "auto";
        node.addEventListener("click", async () => {
          if (button.request_location) await this.send({ kind: "location" });
          else if (button.request_contact) await this.send({ kind: "contact" });
          else await this.send({ text: button.text });
          if (markup.one_time_keyboard) box.hidden = true;
        });
        rowNode.appendChild(node);
      }
      box.appendChild(rowNode);
    }
    box.hidden = false;
  }

  showEmptyHint() {
    const hint = this.$.messages.querySelector(".empty");
    if (this.nodes.size && hint) hint.remove();
    if (!this.nodes.size && !hint) {
      this.$.messages.appendChild(el("div", "empty",
        `No messages yet. Send /start as ${this.user.first_name} (${this.user.id}).`));
    }
  }

  toast(text, alert = false, error = false) {
    const box = this.$.toast;
    box.textContent = text;
    box.dir = "auto";
    box.className = `toast${alert ? " alert" : ""}${error ? " error" : ""}`;
    box.hidden = false;
    clearTimeout(this.toastTimer);
    // Alerts stay until clicked (Telegram shows a dialog); notifications fade.
    box.onclick = () => { box.hidden = true; };
    if (!alert) this.toastTimer = setTimeout(() => { box.hidden = true; }, 2500);
  }

  autoGrow() {
    const composer = this.$.composer;
    composer.style.height = "auto";
    composer.style.height = `${Math.min(composer.scrollHeight, 160)}px`;
  }

  isNearBottom() {
    const box = this.$.messages;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  scrollToBottom(force) {
    if (!force) return;
    this.$.messages.scrollTop = this.$.messages.scrollHeight;
    this.stick = true;
  }
}

async function main() {
  const panes = {};
  for (const [name, config] of Object.entries(PANES)) {
    panes[name] = new ChatPane(document.querySelector(`[data-pane="${name}"]`), name, config);
  }
  let bots = [];
  try {
    const known = await api("/sandbox/bots");
    bots = known.bots;
    TIME_ZONE = known.timezone || undefined;
  } catch (error) {
    for (const pane of Object.values(panes)) pane.detach(`Sandbox not reachable: ${error.message}`);
    return;
  }
  const unlabelled = bots.filter((b) => !b.role);
  for (const [name, pane] of Object.entries(panes)) {
    // Bots registered without a role fill the panes in order (client first).
    const bot = bots.find((b) => b.role === name) || unlabelled.shift();
    if (bot) pane.attach(bot);
    else pane.detach(`No ${name} bot registered in the sandbox`);
  }
}

document.addEventListener("DOMContentLoaded", main);
