/* The playground's Telegram app: one simulated user per tab, live over a WebSocket.
 *
 * Actions go over HTTP (text, taps, files); everything the chat shows comes from the
 * server's events, so what you see is what the emulator's chat holds.
 */
"use strict";

(function () {
  const KEY_STORE = "orangesky-playground.key";
  const LANG_STORE = "orangesky-playground.lang";

  // The Telegram app's own words (its chrome, not the bot's text), in the simulated
  // app language: a Chinese Telegram shows these in Chinese.
  const UI = {
    en: {
      message: "Message", start: "START", bot: "bot", typing: "typing", edited: "edited",
      menu: "Menu", photo: "Photo", file: "File", quoted: "Message", caption: "Add a caption…", send: "Send",
      cancel: "Cancel", ok: "OK", connecting: "connecting…", today: "Today",
      whatCan: "What can this bot do?", appLanguage: "Telegram app language",
      newUser: "New user", dropHere: "Drop files here to send them",
      upload_document: "sending a file", upload_photo: "sending a photo",
      choose_sticker: "choosing a sticker", record_voice: "recording a voice message",
      intro: "Choose the language of your Telegram app, then tap START. " +
        "The bot greets you in that language.",
      sendPhotos: (n) => (n === 1 ? "Send a photo" : `Send ${n} photos`),
      sendFiles: (n) => (n === 1 ? "Send a file" : `Send ${n} files`),
      restarted: "The playground restarted, so this chat is gone. Tap START for a new one.",
      failed: "Could not send: ", sticker: "Sticker", location: "Location", contact: "Contact",
      edit: "Edit", editing: "Editing message", cancelEdit: "Cancel editing", save: "Save",
      editFailed: "Could not edit: ",
    },
    zh: {
      message: "输入消息…", start: "开始", bot: "机器人", typing: "正在输入", edited: "已编辑",
      menu: "菜单", photo: "图片", file: "文件", quoted: "消息", caption: "添加说明…", send: "发送",
      cancel: "取消", ok: "好的", connecting: "连接中…", today: "今天",
      whatCan: "这个机器人能做什么？", appLanguage: "Telegram 界面语言",
      newUser: "新用户", dropHere: "拖到这里即可发送",
      upload_document: "正在发送文件", upload_photo: "正在发送图片",
      choose_sticker: "正在选择贴纸", record_voice: "正在录音",
      intro: "先选择你的 Telegram 界面语言，再点“开始”。机器人会用这种语言和你打招呼。",
      sendPhotos: (n) => `发送 ${n} 张图片`,
      sendFiles: (n) => `发送 ${n} 个文件`,
      restarted: "演示环境已重启，这段对话已不存在。点“开始”开启新的对话。",
      failed: "发送失败：", sticker: "贴纸", location: "位置", contact: "联系人",
      edit: "编辑", editing: "编辑消息", cancelEdit: "取消编辑", save: "保存",
      editFailed: "编辑失败：",
    },
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    app: document.querySelector(".app"), chat: $("chat"), scroller: $("scroller"),
    messages: $("messages"), intro: $("intro"), introText: $("intro-text"),
    status: $("status"), botName: $("bot-name"), startRow: $("start-row"), start: $("start"),
    form: $("input-row"), input: $("input"), send: $("send"), attach: $("attach"),
    attachMenu: $("attach-menu"), menuBtn: $("menu-btn"), commands: $("commands"),
    replyKeyboard: $("reply-keyboard"), toast: $("toast"), alert: $("alert"),
    alertText: $("alert-text"), upload: $("upload"), uploadTitle: $("upload-title"),
    uploadList: $("upload-list"), caption: $("caption"), more: $("more"),
    moreMenu: $("more-menu"), moreNote: $("more-note"), you: $("you"),
    youName: $("you-name"), youMeta: $("you-meta"), youAvatar: $("you-avatar"),
    dropZone: $("drop-zone"), editBar: $("edit-bar"), editPreview: $("edit-preview"),
    editCancel: $("edit-cancel"),
  };

  const state = {
    key: sessionStorage.getItem(KEY_STORE),
    lang: sessionStorage.getItem(LANG_STORE) || "en",
    user: null,
    messages: new Map(), // id -> view from the server
    commands: [],
    ws: null,
    wsTries: 0,
    staffUrl: null,
    pendingUpload: null, // {kind, files}
    actionTimer: null,
    editing: null, // {id, draft} while the composer edits one of your own messages
  };

  const t = (name, ...args) => {
    const value = (UI[state.lang] || UI.en)[name];
    return typeof value === "function" ? value(...args) : value;
  };

  // --- HTTP ---------------------------------------------------------------------------------

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const error = new Error((body && body.error) || response.statusText);
      error.status = response.status;
      throw error;
    }
    return body;
  }
  const post = (path, data) => api(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
  });
  const chatPath = (suffix = "") => `/api/chats/${encodeURIComponent(state.key)}${suffix}`;

  // --- language of the app chrome -------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
    for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
    for (const node of document.querySelectorAll("[data-t-placeholder]")) {
      node.placeholder = t(node.dataset.tPlaceholder);
    }
    for (const node of document.querySelectorAll("[data-t-label]")) {
      node.setAttribute("aria-label", t(node.dataset.tLabel));
      node.title = t(node.dataset.tLabel);
    }
    updateSendLabel();
    for (const b of document.querySelectorAll(".segmented [data-lang]")) {
      b.setAttribute("aria-checked", String(b.dataset.lang === state.lang));
    }
    el.introText.textContent = t("intro");
    setStatus();
    for (const node of el.messages.querySelectorAll(".edited")) node.textContent = t("edited");
    const today = el.messages.querySelector(".day span");
    if (today) today.textContent = t("today");
  }

  // --- header status: bot / typing… / connecting… --------------------------------------------

  function setStatus(action) {
    el.status.classList.toggle("busy", Boolean(action));
    if (action) {
      el.status.textContent = "";
      const words = document.createElement("span");
      words.textContent = t(action) || t("typing");
      const dots = document.createElement("span");
      dots.className = "dots";
      dots.append(document.createElement("i"), document.createElement("i"),
        document.createElement("i"));
      el.status.append(words, dots);
      return;
    }
    const offline = state.key && (!state.ws || state.ws.readyState !== WebSocket.OPEN);
    el.status.textContent = offline ? t("connecting") : t("bot");
  }

  function showAction(action) {
    clearTimeout(state.actionTimer);
    setStatus(action === "typing" ? "typing" : action);
    // Telegram shows a chat action for five seconds or until the next message.
    state.actionTimer = setTimeout(() => setStatus(), 5000);
  }

  function clearAction() {
    clearTimeout(state.actionTimer);
    setStatus();
  }

  // --- rendering messages -------------------------------------------------------------------

  const pad = (n) => String(n).padStart(2, "0");
  const clock = (unix) => {
    const d = new Date(unix * 1000);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const humanSize = (bytes) => {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  };
  const fileUrl = (id) => chatPath(`/files/${encodeURIComponent(id)}`);
  const shorten = (words) => (words.length > 60 ? `${words.slice(0, 59)}…` : words);
  // The text a person reads in a bubble (and typed, for their own text messages).
  const plainText = (msg) => window.TgHtml.render(msg.html || "").textContent;

  function nearBottom() {
    const s = el.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }
  function scrollToBottom() {
    el.scroller.scrollTop = el.scroller.scrollHeight;
  }

  function meta(msg) {
    const box = document.createElement("span");
    box.className = "meta";
    if (msg.edited) {
      const edited = document.createElement("span");
      edited.className = "edited";
      edited.textContent = t("edited");
      box.append(edited);
    }
    const time = document.createElement("time");
    time.textContent = clock(msg.date);
    box.append(time);
    if (!msg.from_bot) {
      const ticks = document.createElement("span");
      ticks.className = "ticks";
      ticks.setAttribute("aria-hidden", "true");
      box.append(ticks);
    }
    return box;
  }

  function textPart(msg) {
    const text = document.createElement("div");
    text.className = "text";
    text.append(window.TgHtml.render(msg.html));
    return text;
  }

  function filePart(msg) {
    const f = msg.file;
    if (msg.kind === "photo") {
      const link = document.createElement("a");
      link.className = "photo";
      link.href = fileUrl(f.id);
      link.target = "_blank";
      link.rel = "noopener";
      const img = document.createElement("img");
      img.src = fileUrl(f.id);
      img.alt = t("photo");
      img.loading = "lazy";
      if (f.width && f.height) img.style.aspectRatio = `${f.width} / ${f.height}`;
      link.append(img);
      return link;
    }
    const doc = document.createElement("a");
    doc.className = "document";
    doc.href = fileUrl(f.id);
    doc.download = f.name || "file";
    const icon = document.createElement("span");
    icon.className = "doc-icon";
    const ext = (f.name || "").includes(".") ? f.name.split(".").pop().slice(0, 4) : "";
    icon.textContent = ext.toUpperCase();
    const info = document.createElement("span");
    info.className = "doc-info";
    const name = document.createElement("span");
    name.className = "doc-name";
    name.textContent = f.name || t("file");
    const size = document.createElement("span");
    size.className = "doc-size";
    size.textContent = humanSize(f.size || 0);
    info.append(name, size);
    doc.append(icon, info);
    return doc;
  }

  function extraPart(msg) {
    const box = document.createElement("div");
    box.className = "text";
    const x = msg.extra || {};
    if (msg.kind === "sticker") {
      box.classList.add("sticker");
      box.textContent = x.emoji || "🖼";
    } else if (msg.kind === "location") {
      box.textContent = `📍 ${t("location")} ${x.latitude}, ${x.longitude}`;
    } else if (msg.kind === "contact") {
      box.textContent = `👤 ${t("contact")} ${x.first_name || ""} ${x.phone_number || ""}`;
    } else {
      box.textContent = `[${msg.kind}]`;
    }
    return box;
  }

  function keyboard(msg) {
    const box = document.createElement("div");
    box.className = "keyboard";
    for (const row of msg.buttons) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const b of row) {
        let button;
        if (b.url) {
          button = document.createElement("a");
          button.href = b.url;
          button.target = "_blank";
          button.rel = "noopener noreferrer";
          button.className = "kb-btn kb-url";
        } else {
          button = document.createElement("button");
          button.type = "button";
          button.className = "kb-btn";
          if (b.data === null || b.data === undefined) button.disabled = true;
          else button.addEventListener("click", () => tap(msg.id, b.data, button));
        }
        const label = document.createElement("span");
        label.textContent = b.text;
        button.append(label);
        line.append(button);
      }
      box.append(line);
    }
    return box;
  }

  // A reply shows what it answers, as Telegram does: a file's verdict names its photo.
  function replyPart(msg) {
    const target = state.messages.get(msg.reply_to);
    const quote = document.createElement("div");
    quote.className = "reply-quote";
    let words = t("quoted");
    if (target) {
      const text = plainText(target).trim();
      if (target.kind === "photo") words = text ? `${t("photo")} · ${text}` : t("photo");
      else if (target.file) words = target.file.name || t("file");
      else words = text || words;
    }
    quote.textContent = shorten(words);
    return quote;
  }

  function bubble(msg) {
    const b = document.createElement("div");
    b.className = "bubble";
    if (msg.reply_to) b.append(replyPart(msg));
    if (msg.file) b.append(filePart(msg));
    else if (msg.extra || (!msg.html && msg.kind !== "text")) b.append(extraPart(msg));
    if (msg.html) b.append(textPart(msg));
    else if (msg.file && msg.kind === "photo") b.classList.add("media-only");
    const m = meta(msg);
    if (msg.kind === "photo" && !msg.html) m.classList.add("on-media");
    b.append(m);
    return b;
  }

  function render(msg) {
    const wrap = document.createElement("div");
    wrap.className = `msg ${msg.from_bot ? "in" : "out"} kind-${msg.kind}`;
    wrap.dataset.id = String(msg.id);
    const stack = document.createElement("div");
    stack.className = "stack";
    stack.append(bubble(msg));
    if (msg.buttons && msg.buttons.length) {
      wrap.classList.add("has-keyboard");
      stack.append(keyboard(msg));
    }
    if (editable(msg)) wrap.append(editButton(msg));
    wrap.classList.toggle("editing", Boolean(state.editing) && state.editing.id === msg.id);
    wrap.append(stack);
    return wrap;
  }

  function ensureDay() {
    if (el.messages.querySelector(".day")) return;
    const day = document.createElement("div");
    day.className = "day";
    const label = document.createElement("span");
    label.textContent = t("today");
    day.append(label);
    el.messages.prepend(day);
  }

  function place(node, id) {
    // Keep message order by id (a snapshot after a reconnect may interleave with events).
    let after = null;
    for (const other of el.messages.querySelectorAll(".msg")) {
      if (Number(other.dataset.id) < id) after = other;
    }
    if (after) after.after(node);
    else {
      const day = el.messages.querySelector(".day");
      if (day) day.after(node);
      else el.messages.prepend(node);
    }
  }

  // Several photos or files sent at once (one media_group_id) are one bubble, as in Telegram.
  function albumMembers(group) {
    return [...state.messages.values()]
      .filter((m) => m.media_group_id === group)
      .sort((a, b) => a.id - b.id);
  }

  function renderAlbum(group) {
    const members = albumMembers(group);
    if (!members.length) return null;
    const first = members[0];
    const last = members[members.length - 1];
    const wrap = document.createElement("div");
    wrap.className = `msg ${first.from_bot ? "in" : "out"} kind-album`;
    wrap.dataset.id = String(first.id);
    wrap.dataset.group = group;
    const b = document.createElement("div");
    b.className = "bubble album";
    const photos = members.filter((m) => m.kind === "photo" && m.file);
    const files = members.filter((m) => m.kind !== "photo" && m.file);
    if (photos.length) {
      const grid = document.createElement("div");
      grid.className = `grid n${Math.min(photos.length, 4)}`;
      for (const m of photos) grid.append(filePart(m));
      b.append(grid);
    }
    for (const m of files) b.append(filePart(m));
    const captioned = members.find((m) => m.html);
    if (captioned) b.append(textPart(captioned));
    const m = meta({ ...last, edited: members.some((x) => x.edited) });
    if (!captioned && !files.length) {
      b.classList.add("media-only");
      m.classList.add("on-media");
    }
    b.append(m);
    const stack = document.createElement("div");
    stack.className = "stack";
    stack.append(b);
    wrap.append(stack);
    return wrap;
  }

  function nodeFor(msg) {
    const selector = msg.media_group_id
      ? `.msg[data-group="${CSS.escape(msg.media_group_id)}"]`
      : `.msg[data-id="${msg.id}"]`;
    return el.messages.querySelector(selector);
  }

  function upsert(msg, { fresh = false } = {}) {
    const stick = nearBottom() || (fresh && !msg.from_bot);
    state.messages.set(msg.id, msg);
    ensureDay();
    const node = msg.media_group_id ? renderAlbum(msg.media_group_id) : render(msg);
    const old = nodeFor(msg);
    if (old) old.replaceWith(node);
    else place(node, Number(node.dataset.id));
    markTails();
    hideIntro();
    if (stick || fresh) requestAnimationFrame(scrollToBottom);
  }

  function remove(id) {
    if (state.editing && state.editing.id === id) stopEdit();
    const msg = state.messages.get(id);
    state.messages.delete(id);
    const node = msg ? nodeFor(msg) : el.messages.querySelector(`.msg[data-id="${id}"]`);
    if (node) {
      const album = msg && msg.media_group_id ? renderAlbum(msg.media_group_id) : null;
      if (album) node.replaceWith(album);
      else node.remove();
    }
    markTails();
  }

  function markTails() {
    // Telegram draws the bubble tail on the last message of a run from one side.
    const nodes = [...el.messages.querySelectorAll(".msg")];
    nodes.forEach((node, i) => {
      const next = nodes[i + 1];
      const side = node.classList.contains("in");
      const last = !next || next.classList.contains("in") !== side;
      node.classList.toggle("tail", last);
      node.classList.toggle("first", i === 0 || nodes[i - 1].classList.contains("in") !== side);
    });
  }

  function clearChat() {
    stopEdit();
    state.messages.clear();
    el.messages.textContent = "";
  }

  // --- intro (empty chat) and the START button -------------------------------------------------

  function showIntro() {
    el.intro.hidden = false;
    el.startRow.hidden = false;
    el.form.hidden = true;
    el.replyKeyboard.hidden = true;
    el.menuBtn.hidden = true;
  }
  function hideIntro() {
    if (el.intro.hidden) return;
    el.intro.hidden = true;
    el.startRow.hidden = true;
    el.form.hidden = false;
    el.menuBtn.hidden = state.commands.length === 0;
  }

  async function startChat() {
    el.start.disabled = true;
    try {
      const created = await post("/api/users", { language: state.lang });
      state.key = created.key;
      sessionStorage.setItem(KEY_STORE, state.key);
      sessionStorage.setItem(LANG_STORE, state.lang);
      showUser(created.user);
      await connect();
      hideIntro();
      const sent = await post(chatPath("/messages"), { text: "/start" });
      upsert(sent.message, { fresh: true });
      el.input.focus();
    } catch (e) {
      toast(t("failed") + e.message);
    } finally {
      el.start.disabled = false;
    }
  }

  function newUser() {
    closeMenus();
    if (state.ws) {
      state.ws.onclose = null;
      state.ws.close();
      state.ws = null;
    }
    sessionStorage.removeItem(KEY_STORE);
    state.key = null;
    state.user = null;
    state.commands = [];
    el.you.hidden = true;
    el.moreNote.textContent = "";
    clearChat();
    clearAction();
    showIntro();
    setStatus();
  }

  function showUser(user) {
    state.user = user;
    el.you.hidden = false;
    el.youName.textContent = user.first_name;
    el.youAvatar.textContent = [...user.first_name][0] || "?";
    const language = user.language === "zh" ? "中文" : "English";
    el.youMeta.textContent = `id ${user.id} · ${language} (${user.language_code})`;
    el.moreNote.textContent = `${user.first_name} · ${language}`;
  }

  // --- live updates -------------------------------------------------------------------------

  function connect() {
    return new Promise((resolve) => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}${chatPath("/ws")}`);
      state.ws = ws;
      let settled = false;
      ws.onopen = () => { state.wsTries = 0; setStatus(); };
      ws.onmessage = (e) => {
        const event = JSON.parse(e.data);
        handle(event);
        if (!settled && event.type === "snapshot") { settled = true; resolve(); }
      };
      ws.onclose = () => {
        if (state.ws !== ws) return;
        state.ws = null;
        setStatus();
        if (!settled) { settled = true; resolve(); }
        reconnectLater();
      };
    });
  }

  function reconnectLater() {
    const delay = Math.min(8000, 500 * 2 ** state.wsTries++);
    setTimeout(async () => {
      if (!state.key || state.ws) return;
      try {
        await api(chatPath());
      } catch (e) {
        if (e.status === 404) { newUser(); toast(t("restarted"), 6000); return; }
        reconnectLater();
        return;
      }
      connect();
    }, delay);
  }

  function handle(event) {
    switch (event.type) {
      case "snapshot":
        showUser(event.user);
        el.botName.textContent = event.bot.name;
        state.commands = event.commands || [];
        for (const id of [...state.messages.keys()]) {
          if (!event.messages.some((m) => m.id === id)) remove(id);
        }
        for (const m of event.messages) upsert(m);
        if (event.messages.length) hideIntro();
        el.menuBtn.hidden = state.commands.length === 0 || !el.intro.hidden;
        showReplyKeyboard(event.keyboard);
        requestAnimationFrame(scrollToBottom);
        break;
      case "message":
        if (event.message.from_bot) clearAction();
        upsert(event.message, { fresh: !state.messages.has(event.message.id) });
        if (event.message.from_bot && state.commands.length === 0) refreshCommands();
        break;
      case "edited":
        upsert(event.message);
        unpend(event.message.id);
        break;
      case "deleted":
        remove(event.id);
        break;
      case "answer":
        unpend(event.message_id);
        if (event.text) {
          if (event.show_alert) showAlert(event.text);
          else toast(event.text);
        }
        if (event.url) window.open(event.url, "_blank", "noopener");
        break;
      case "action":
        showAction(event.action);
        break;
      case "keyboard":
        showReplyKeyboard(event.keyboard);
        break;
      default:
        break;
    }
  }

  async function refreshCommands() {
    if (!state.key) return;
    try {
      state.commands = (await api(chatPath("/commands"))).commands;
      el.menuBtn.hidden = state.commands.length === 0 || !el.intro.hidden;
    } catch (e) { /* the menu stays as it was */ }
  }

  // --- sending --------------------------------------------------------------------------------

  async function sendText(text) {
    if (!text.trim()) return;
    try {
      const sent = await post(chatPath("/messages"), { text });
      upsert(sent.message, { fresh: true });
    } catch (e) {
      toast(t("failed") + e.message);
      if (e.status === 404) newUser();
    }
  }

  function tap(messageId, data, button) {
    button.classList.add("pending");
    // Telegram shows progress on the button until the bot answers the callback query.
    setTimeout(() => button.classList.remove("pending"), 10000);
    post(chatPath("/taps"), { message_id: messageId, data }).catch((e) => {
      button.classList.remove("pending");
      toast(t("failed") + e.message);
    });
  }

  // --- editing your own text messages (all a Telegram app lets you edit) -----------------------

  const editable = (msg) => Boolean(msg) && !msg.from_bot && msg.kind === "text";

  // Shown on hover or keyboard focus, as Telegram apps offer "Edit" on your own messages.
  function editButton(msg) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "edit-btn";
    b.dataset.tLabel = "edit";
    b.setAttribute("aria-label", t("edit"));
    b.title = t("edit");
    b.textContent = "✏️";
    b.addEventListener("click", () => startEdit(msg.id));
    return b;
  }

  // The message's text goes into the composer; sending then edits it instead of sending anew.
  function startEdit(id) {
    const msg = state.messages.get(id);
    if (!editable(msg)) return;
    const draft = state.editing ? state.editing.draft : el.input.value;
    state.editing = { id, draft };
    closeMenus();
    const text = plainText(msg);
    el.editPreview.textContent = shorten(text);
    showEditing();
    el.input.value = text;
    autosize();
    el.input.focus();
    el.input.setSelectionRange(text.length, text.length);
  }

  // Leaving edit mode gives back what you were typing before it, as Telegram does.
  function stopEdit() {
    if (!state.editing) return;
    const { draft } = state.editing;
    state.editing = null;
    showEditing();
    el.input.value = draft;
    autosize();
  }

  // The bar above the input, the highlighted message and the send button follow edit mode.
  function showEditing() {
    const id = state.editing ? String(state.editing.id) : null;
    el.editBar.hidden = !id;
    el.form.classList.toggle("editing", Boolean(id));
    el.input.maxLength = id ? 4096 : 40000; // an edit is one message; a new text may be split
    for (const node of el.messages.querySelectorAll(".msg")) {
      node.classList.toggle("editing", node.dataset.id === id);
    }
    updateSendLabel();
  }

  // While editing, the send button saves (a check mark, as in Telegram), and says so.
  function updateSendLabel() {
    el.send.classList.toggle("save", Boolean(state.editing));
    el.send.setAttribute("aria-label", t(state.editing ? "save" : "send"));
  }

  // Unchanged text sends nothing (Telegram sends no edit then); blank text keeps the message.
  function submitEdit(text) {
    if (!text.trim()) return;
    const { id } = state.editing;
    const msg = state.messages.get(id);
    stopEdit();
    if (msg && text !== plainText(msg)) saveEdit(id, text);
  }

  // The edit itself comes back over the WebSocket as an "edited" event, "edited" mark and all.
  async function saveEdit(id, text) {
    try {
      await post(chatPath("/edits"), { message_id: id, text });
    } catch (e) {
      toast(t("editFailed") + e.message);
      // Only a chat gone with a restart starts anew; a message gone leaves the chat as it is.
      if (e.status === 404 && e.message === "unknown chat") newUser();
    }
  }

  // The Up arrow in an empty composer edits your last text message, as in Telegram Desktop.
  function lastEditable() {
    const own = [...state.messages.values()].filter(editable);
    return own.length ? own.reduce((a, b) => (b.id > a.id ? b : a)) : null;
  }

  function unpend(messageId) {
    const node = el.messages.querySelector(`.msg[data-id="${messageId}"]`);
    if (node) for (const b of node.querySelectorAll(".pending")) b.classList.remove("pending");
  }

  function autosize() {
    el.input.style.height = "auto";
    el.input.style.height = `${Math.min(el.input.scrollHeight, 160)}px`;
    el.send.disabled = !el.input.value.trim();
    updateCommandList();
  }

  // --- command menu ("/" and the Menu button) -------------------------------------------------

  function showCommands(filter) {
    const list = state.commands.filter((c) => !filter || `/${c.command}`.startsWith(filter));
    el.commands.textContent = "";
    for (const c of list) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "command";
      item.setAttribute("role", "option");
      const name = document.createElement("span");
      name.className = "command-name";
      name.textContent = `/${c.command}`;
      const description = document.createElement("span");
      description.className = "command-description";
      description.textContent = c.description;
      item.append(name, description);
      item.addEventListener("click", () => {
        closeMenus();
        stopEdit();
        el.input.value = "";
        autosize();
        sendText(`/${c.command}`);
        el.input.focus();
      });
      el.commands.append(item);
    }
    el.commands.hidden = list.length === 0;
    el.menuBtn.setAttribute("aria-expanded", String(!el.commands.hidden));
  }

  function updateCommandList() {
    if (state.editing) return; // an edit is not sent as a command
    const value = el.input.value;
    if (/^\/\S*$/.test(value)) showCommands(value);
    else if (!el.commands.hidden && value) el.commands.hidden = true;
  }

  function closeMenus() {
    el.commands.hidden = true;
    el.attachMenu.hidden = true;
    el.moreMenu.hidden = true;
    el.menuBtn.setAttribute("aria-expanded", "false");
    el.more.setAttribute("aria-expanded", "false");
  }

  // --- reply keyboard (under the input, if the bot sets one) ----------------------------------

  function showReplyKeyboard(rows) {
    el.replyKeyboard.textContent = "";
    el.replyKeyboard.hidden = !rows || rows.length === 0 || !el.intro.hidden;
    for (const row of rows || []) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const text of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "reply-btn";
        b.textContent = text;
        b.addEventListener("click", () => sendText(text));
        line.append(b);
      }
      el.replyKeyboard.append(line);
    }
  }

  // --- toast and alert ------------------------------------------------------------------------

  let toastTimer = null;
  function toast(text, ms = 2600) {
    el.toast.textContent = text;
    el.toast.hidden = false;
    el.toast.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      el.toast.classList.remove("show");
      setTimeout(() => { el.toast.hidden = true; }, 250);
    }, ms);
  }

  function showAlert(text) {
    el.alertText.textContent = text;
    el.alert.showModal();
  }

  // --- files ----------------------------------------------------------------------------------

  function offerUpload(kind, files) {
    if (!files.length) return;
    state.pendingUpload = { kind, files };
    el.uploadTitle.textContent = kind === "photo" ? t("sendPhotos", files.length)
      : t("sendFiles", files.length);
    el.uploadList.textContent = "";
    for (const f of files) {
      const li = document.createElement("li");
      if (kind === "photo") {
        const img = document.createElement("img");
        img.src = URL.createObjectURL(f);
        img.alt = "";
        img.onload = () => URL.revokeObjectURL(img.src);
        li.append(img);
      } else {
        const icon = document.createElement("span");
        icon.className = "doc-icon";
        icon.textContent = (f.name.split(".").pop() || "").slice(0, 4).toUpperCase();
        li.append(icon);
      }
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = `${f.name} · ${humanSize(f.size)}`;
      li.append(name);
      el.uploadList.append(li);
    }
    el.caption.value = state.editing ? "" : el.input.value.trim();
    el.upload.showModal();
    el.caption.focus();
  }

  async function sendUpload() {
    const pending = state.pendingUpload;
    if (!pending) return;
    el.upload.close();
    state.pendingUpload = null;
    const form = new FormData();
    form.append("kind", pending.kind);
    if (el.caption.value.trim()) form.append("caption", el.caption.value.trim());
    for (const f of pending.files) form.append("file", f, f.name);
    if (!state.editing && el.caption.value.trim() === el.input.value.trim()) {
      el.input.value = "";
      autosize();
    }
    try {
      // The header tells the server this is its own page (a foreign form cannot send it).
      const sent = await api(chatPath("/files"), {
        method: "POST", body: form, headers: { "X-Intake-Chat": "1" },
      });
      for (const m of sent.messages) upsert(m, { fresh: true });
    } catch (e) {
      toast(t("failed") + e.message);
    }
  }

  // --- wiring ---------------------------------------------------------------------------------

  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = el.input.value;
    if (state.editing) {
      closeMenus();
      submitEdit(text);
      el.input.focus();
      return;
    }
    el.input.value = "";
    autosize();
    closeMenus();
    sendText(text);
    el.input.focus();
  });
  el.input.addEventListener("input", autosize);
  el.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      el.form.requestSubmit();
    } else if (e.key === "Escape") {
      const menuOpen = !el.commands.hidden || !el.attachMenu.hidden;
      closeMenus();
      if (!menuOpen) stopEdit();
    } else if (e.key === "ArrowUp" && !el.input.value && !state.editing) {
      const last = lastEditable();
      if (last) {
        e.preventDefault();
        startEdit(last.id);
      }
    }
  });
  el.editCancel.addEventListener("click", () => {
    stopEdit();
    el.input.focus();
  });
  el.start.addEventListener("click", startChat);
  el.menuBtn.addEventListener("click", (e) => {
    e.stopPropagation();
    const open = el.commands.hidden;
    closeMenus();
    if (open) showCommands("");
  });
  el.attach.addEventListener("click", (e) => {
    e.stopPropagation();
    const open = el.attachMenu.hidden;
    closeMenus();
    el.attachMenu.hidden = !open;
  });
  for (const b of el.attachMenu.querySelectorAll("[data-pick]")) {
    b.addEventListener("click", () => {
      closeMenus();
      $(`pick-${b.dataset.pick}`).click();
    });
  }
  for (const kind of ["photo", "document"]) {
    const input = $(`pick-${kind}`);
    input.addEventListener("change", () => {
      offerUpload(kind, [...input.files]);
      input.value = "";
    });
  }
  $("upload-send").addEventListener("click", sendUpload);
  $("upload-cancel").addEventListener("click", () => {
    state.pendingUpload = null;
    el.upload.close();
  });
  el.caption.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); sendUpload(); }
  });
  $("alert-ok").addEventListener("click", () => el.alert.close());
  el.more.addEventListener("click", (e) => {
    e.stopPropagation();
    const open = el.moreMenu.hidden;
    closeMenus();
    el.moreMenu.hidden = !open;
    el.more.setAttribute("aria-expanded", String(open));
  });
  for (const b of document.querySelectorAll("[data-action=new-user]")) {
    b.addEventListener("click", newUser);
  }
  for (const b of document.querySelectorAll(".segmented [data-lang]")) {
    b.addEventListener("click", () => {
      state.lang = b.dataset.lang;
      applyLanguage();
    });
  }
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".popup")) closeMenus();
  });
  // A /command in a bot message is a link in Telegram: tapping it sends the command.
  el.messages.addEventListener("click", (e) => {
    const command = e.target.closest(".in .tg-bot-command");
    if (command) { sendText(command.textContent); return; }
    const spoiler = e.target.closest(".tg-spoiler");
    if (spoiler) spoiler.classList.add("revealed");
  });
  // Double-clicking your own text message edits it, as in Telegram Desktop.
  el.messages.addEventListener("dblclick", (e) => {
    const node = e.target.closest(".msg.out.kind-text");
    if (!node || e.target.closest(".edit-btn")) return;
    window.getSelection().removeAllRanges();
    startEdit(Number(node.dataset.id));
  });

  // Drag and drop files onto the chat (desktop).
  let dragDepth = 0;
  el.chat.addEventListener("dragenter", (e) => {
    if (!state.key || !e.dataTransfer.types.includes("Files")) return;
    dragDepth += 1;
    el.dropZone.hidden = false;
  });
  el.chat.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) el.dropZone.hidden = true;
  });
  el.chat.addEventListener("dragover", (e) => { if (state.key) e.preventDefault(); });
  el.chat.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    el.dropZone.hidden = true;
    const files = [...e.dataTransfer.files];
    if (!state.key || !files.length) return;
    const photos = files.every((f) => /^image\/(jpeg|png|webp)$/.test(f.type));
    offerUpload(photos ? "photo" : "document", files);
  });

  // --- start ----------------------------------------------------------------------------------

  async function boot() {
    applyLanguage();
    try {
      const config = await api("/api/config");
      el.botName.textContent = config.bot.name;
      state.staffUrl = config.staff_url;
      $("staff-hint").hidden = !config.staff_url;
      for (const link of [$("staff-link"), $("staff-menu-link")]) {
        link.hidden = !config.staff_url;
        if (config.staff_url) link.href = config.staff_url;
      }
    } catch (e) { /* the chat works without it */ }
    if (!state.key) { showIntro(); return; }
    try {
      await api(chatPath());
    } catch (e) {
      newUser();
      if (e.status === 404) toast(t("restarted"), 6000);
      return;
    }
    await connect();
    if (state.messages.size === 0) newUser(); // reloaded before START: begin cleanly
  }

  boot();
})();
