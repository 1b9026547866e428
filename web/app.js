/* The coach's web chat: a small socket.io client for Rasa's socket.io channel.
 *
 * - The conversation (session id + messages) lives in sessionStorage only: a reload in
 *   the same tab shows it again, closing the tab forgets it. Nothing goes to localStorage.
 * - Bot messages are rendered from data, never as HTML and never as raw JSON:
 *   text bubbles, quick replies (buttons), advice cards, the plan's progress checklist
 *   and the safety panel with tap-to-call / text links.
 * - A message with a payload arrives as one event (bot/channels/socketio.py): text, payload,
 *   buttons, and ``text_alternative`` when the text is the payload in plain words (then only
 *   the payload is drawn). Labels (steps, roles) come in the payload.
 * - Every word of the page's own (headings, aria labels, status lines) is in index.html's
 *   <template id="page-words">: this file holds logic only.
 * - "Quick exit" clears the storage and replaces the page (no history entry).
 */
(function () {
  "use strict";

  var STORE_KEY = "coach.chat.v1";
  var MAX_MESSAGES = 300;
  var TYPING_TIMEOUT_MS = 20000;
  var config = window.COACH_CONFIG || {};

  var $ = function (id) { return document.getElementById(id); };
  var messagesEl = $("messages");
  var logEl = $("log");
  var emptyEl = $("empty");
  var typingEl = $("typing");
  var statusEl = $("status");
  var form = $("composer");
  var input = $("message");
  var sendButton = $("send");

  var state = load();
  var socket = null;
  var ready = false;       // connected and the session confirmed
  var exiting = false;
  var typingTimer = null;

  // ---- storage ---------------------------------------------------------------------

  function load() {
    try {
      var parsed = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (parsed && Array.isArray(parsed.messages)) {
        return {
          sessionId: typeof parsed.sessionId === "string" ? parsed.sessionId : null,
          messages: parsed.messages.filter(function (m) { return m && typeof m === "object"; })
        };
      }
    } catch (e) { /* unreadable: start afresh */ }
    return { sessionId: null, messages: [] };
  }

  function save() {
    if (exiting) return;
    var kept = { sessionId: state.sessionId, messages: state.messages.slice(-MAX_MESSAGES) };
    try {
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(kept));
    } catch (e) { /* storage full or blocked: the chat still works in this page */ }
  }

  // ---- small DOM helpers (textContent only: nothing from the bot is parsed as HTML) ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function str(value) {
    return typeof value === "string" ? value : (typeof value === "number" ? String(value) : "");
  }

  // The page's own words, from index.html; "{name}" is filled from values.
  var WORDS = {};
  (function () {
    var source = $("page-words");
    if (!source || !source.content) return;
    source.content.querySelectorAll("[data-word]").forEach(function (node) {
      WORDS[node.getAttribute("data-word")] = node.textContent;
    });
  })();

  function word(key, values) {
    return str(WORDS[key]).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? str(values[name]) : "";
    });
  }

  // ---- incoming messages -------------------------------------------------------------

  function normalizeButtons(list) {
    if (!Array.isArray(list)) return [];
    return list.filter(function (b) {
      return b && typeof b === "object" && str(b.title) && str(b.payload);
    }).map(function (b) { return { title: str(b.title), payload: str(b.payload) }; });
  }

  function drawable(custom) {
    return Boolean(custom && typeof custom === "object" && !Array.isArray(custom) &&
      Object.prototype.hasOwnProperty.call(RENDERERS, custom.type));
  }

  // One event is one message. A payload this page can't draw is never shown as raw JSON:
  // its text stands alone.
  function receive(data) {
    if (!data || typeof data !== "object") return;
    var buttons = normalizeButtons(data.quick_replies || data.buttons);
    var text = str(data.text).trim();
    if (drawable(data.custom)) {
      add({ from: "bot", kind: "custom", custom: data.custom, buttons: buttons,
            text: data.text_alternative === true ? "" : text });
    } else if (text || buttons.length) {
      add({ from: "bot", kind: "text", text: text, buttons: buttons });
    }
  }

  function add(message) {
    if (message.from === "bot") stopTyping();
    state.messages.push(message);
    save();
    render();
  }

  // ---- rendering ---------------------------------------------------------------------

  // Rows are appended, never rebuilt, so a screen reader announces only what is new.
  var renderedCount = 0;

  function render() {
    if (renderedCount > state.messages.length) {
      messagesEl.replaceChildren();
      renderedCount = 0;
    }
    for (; renderedCount < state.messages.length; renderedCount++) {
      var message = state.messages[renderedCount];
      if (message.hidden) continue; // a text twin hidden by an older version of this page
      var row = el("div", "row " + (message.from === "user" ? "from-user" : "from-bot"));
      row.setAttribute("data-index", String(renderedCount));
      row.appendChild(renderMessage(message));
      if (message.from === "bot" && message.buttons && message.buttons.length) {
        row.appendChild(renderButtons(message.buttons));
      }
      messagesEl.appendChild(row);
    }
    // Quick replies are offered only until the person answers.
    var lastUser = -1;
    state.messages.forEach(function (m, i) { if (m.from === "user") lastUser = i; });
    messagesEl.querySelectorAll(".quick-replies").forEach(function (group) {
      if (Number(group.parentNode.getAttribute("data-index")) < lastUser) group.remove();
    });
    emptyEl.hidden = state.messages.length > 0;
    scrollDown();
  }

  function renderMessage(message) {
    if (message.from === "user") return el("div", "bubble user", message.text);
    if (message.kind !== "custom") return el("div", "bubble bot", message.text);
    var parts = document.createDocumentFragment();
    if (str(message.text)) parts.appendChild(el("div", "bubble bot", message.text));
    if (drawable(message.custom)) parts.appendChild(RENDERERS[message.custom.type](message.custom));
    return parts;
  }

  // What this page can draw, by payload type.
  var RENDERERS = {
    advice_card: renderCard,
    progress: renderProgress,
    safety: renderSafety,
    checkin_trend: renderTrend,
    data_export: renderExport,
    reminder_set: renderReminderSet,
    reminder: function () { return el("p", "note", word("reminder")); },
    ask_timezone: renderZoneChoice
  };

  // ---- check-ins: the trend as an SVG line chart, drawn here (no library, nothing fetched) ----

  var SVG_NS = "http://www.w3.org/2000/svg";
  var SIGN_COLOURS = ["#1f6feb", "#b35900", "#2f855a", "#8250df", "#c0364a"];

  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    return node;
  }

  function trendSigns(trend) {
    return (Array.isArray(trend.signs) ? trend.signs : []).filter(function (s) {
      return s && str(s.sign) && str(s.label) && Array.isArray(s.points);
    }).map(function (s) {
      return {
        sign: str(s.sign), label: str(s.label),
        points: s.points.filter(function (p) {
          return p && !isNaN(new Date(str(p.at)).getTime()) && Number(p.value) >= 1 && Number(p.value) <= 5;
        }).map(function (p) { return { at: new Date(str(p.at)).getTime(), value: Number(p.value) }; })
      };
    });
  }

  function renderTrend(trend) {
    var signs = trendSigns(trend);
    var figure = el("figure", "trend");
    figure.appendChild(el("h2", "trend-title", word("trend_title")));
    var times = [];
    signs.forEach(function (s) { s.points.forEach(function (p) { times.push(p.at); }); });
    var first = Math.min.apply(null, times), last = Math.max.apply(null, times);
    // A viewBox scales to the bubble's width, so 390 px phones get the whole chart.
    var W = 320, H = 180, left = 26, right = 12, top = 10, bottom = 28;
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "class": "trend-chart",
      "aria-labelledby": "trend-desc-" + renderedCount });
    var desc = [];
    function x(t) { return last === first ? (left + W - right) / 2 : left + (t - first) / (last - first) * (W - left - right); }
    function y(v) { return top + (5 - v) / 4 * (H - top - bottom); }
    for (var v = 1; v <= 5; v++) {
      chart.appendChild(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), "class": "grid" }));
      var label = svg("text", { x: left - 8, y: y(v) + 4, "text-anchor": "end", "class": "axis" });
      label.textContent = String(v);
      chart.appendChild(label);
    }
    [first, last].forEach(function (t, i) {
      if (i === 1 && last === first) return;
      var tick = svg("text", { x: x(t), y: H - 8, "text-anchor": i ? "end" : "start", "class": "axis" });
      tick.textContent = formatDate(new Date(t).toISOString());
      chart.appendChild(tick);
    });
    var legend = el("ul", "trend-legend");
    signs.forEach(function (s, index) {
      if (!s.points.length) return;
      var colour = SIGN_COLOURS[index % SIGN_COLOURS.length];
      // Signs with the same answers would hide each other: each line sits a hair apart.
      var shift = (index - 2) * 2.5;
      var path = s.points.map(function (p, i) {
        return (i ? "L" : "M") + x(p.at).toFixed(1) + " " + (y(p.value) + shift).toFixed(1);
      });
      chart.appendChild(svg("path", { d: path.join(" "), fill: "none", stroke: colour, "stroke-width": 2.5 }));
      s.points.forEach(function (p) {
        chart.appendChild(svg("circle", { cx: x(p.at), cy: y(p.value) + shift, r: 3.5, fill: colour }));
      });
      var values = s.points.map(function (p) { return p.value; });
      var item = el("li", null);
      var swatch = el("span", "swatch");
      swatch.style.background = colour;
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.label + ": " + values.join(" \u2192 ")));
      legend.appendChild(item);
      desc.push(s.label + " " + values.join(word("trend_then")));
    });
    var title = svg("title", { id: "trend-desc-" + renderedCount });
    title.textContent = word("trend_description", { signs: desc.join(word("trend_and")) });
    chart.insertBefore(title, chart.firstChild);
    figure.appendChild(chart);
    // The text alternative, visible to everyone: each sign's answers in order.
    var caption = el("figcaption", "trend-caption");
    caption.appendChild(legend);
    figure.appendChild(caption);
    return figure;
  }

  // ---- "export my data": a file made in the page (nothing is fetched or sent anywhere) ----

  function renderExport(custom) {
    var box = el("div", "export");
    var data = custom.data && typeof custom.data === "object" ? custom.data : {};
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var a = link("action download", URL.createObjectURL(blob), word("download"));
    a.download = word("download_file");
    box.appendChild(a);
    return box;
  }

  function renderReminderSet(custom) {
    var date = new Date(str(custom.at));
    if (isNaN(date.getTime())) return el("span");
    var when = date.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    return el("p", "note", word("next_reminder", { when: when }));
  }

  function deviceZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function renderZoneChoice() {
    var zone = deviceZone();
    if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return el("span");
    return renderButtons([{ title: word("device_zone", { zone: zone }),
      payload: "/inform_timezone" + JSON.stringify({ tz: zone }) }]);
  }

  function renderButtons(buttons) {
    var group = el("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", word("suggested_replies"));
    buttons.forEach(function (b) {
      var button = el("button", "quick-reply", b.title);
      button.type = "button";
      button.addEventListener("click", function () { send(b.payload, b.title); });
      group.appendChild(button);
    });
    return group;
  }

  function renderCard(card) {
    var article = el("article", "card");
    if (str(card.role_label)) article.appendChild(el("p", "card-kicker", card.role_label));
    article.appendChild(el("h2", "card-title", card.title));
    if (str(card.body)) article.appendChild(el("p", "card-body", card.body));
    var tips = Array.isArray(card.tips) ? card.tips.filter(str) : [];
    if (tips.length) {
      article.appendChild(el("h3", "card-tips-heading", word("card_tips")));
      var list = el("ul", "card-tips");
      tips.forEach(function (tip) { list.appendChild(el("li", null, tip)); });
      article.appendChild(list);
    }
    return article;
  }

  function formatDate(iso) {
    var date = new Date(str(iso));
    if (isNaN(date.getTime())) return "";
    return date.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  }

  function renderProgress(progress) {
    var steps = Array.isArray(progress.steps) ? progress.steps.filter(function (s) { return s && str(s.step); }) : [];
    var total = Number(progress.total) || steps.length;
    var done = Math.min(total, Math.max(0, Number(progress.done) ||
      steps.filter(function (s) { return s.done === true; }).length));
    var section = el("section", "progress");
    var count = word("plan_count", { done: done, total: total });
    section.setAttribute("aria-label", word("plan_title"));
    var head = el("div", "progress-head");
    head.appendChild(el("h2", "progress-title", word("plan_title")));
    head.appendChild(el("span", "progress-count", count));
    section.appendChild(head);

    var bar = el("div", "progress-bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-label", count);
    var fill = el("span", "progress-fill");
    fill.style.width = (total ? Math.round((done / total) * 100) : 0) + "%";
    bar.appendChild(fill);
    section.appendChild(bar);

    var list = el("ul", "checklist");
    steps.forEach(function (s) {
      var item = el("li", s.done ? "step done" : "step");
      item.appendChild(el("span", "check", s.done ? "\u2713" : ""));
      item.lastChild.setAttribute("aria-hidden", "true");
      // The label comes with the payload; the bare step name only if a payload lacks it.
      item.appendChild(el("span", "step-label", str(s.label) || str(s.step).replace(/_/g, " ")));
      var when = s.done ? formatDate(s.completed_at) : "";
      var state = s.done ? (when ? word("step_done_on", { date: when }) : word("step_done")) : word("step_todo");
      item.appendChild(el("span", "step-state", state));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  function telHref(number) {
    var digits = str(number).replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }

  function smsHref(text) {
    var value = str(text).trim();
    var keyword = /^text\s+(\S+)\s+to\s+([\d+ ()-]+)$/i.exec(value);
    if (keyword) {
      var to = keyword[2].replace(/[^\d+]/g, "");
      return to ? "sms:" + to + "?&body=" + encodeURIComponent(keyword[1]) : null;
    }
    var digits = value.replace(/^text\s+/i, "").replace(/[^\d+]/g, "");
    return digits ? "sms:" + digits : null;
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(str(url));
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(className, href, text) {
    var a = el("a", className, text);
    a.href = href;
    return a;
  }

  function renderSafety(safety) {
    var section = el("section", "safety " + (safety.level === "abuse" ? "abuse" : "crisis"));
    section.setAttribute("aria-label", word("safety_label"));
    section.appendChild(el("h2", "safety-title",
      word(safety.level === "abuse" ? "safety_title_abuse" : "safety_title_crisis")));
    section.appendChild(el("p", "safety-lead", word("safety_lead")));
    var list = el("ul", "resources");
    (Array.isArray(safety.resources) ? safety.resources : []).forEach(function (r) {
      if (!r || typeof r !== "object" || !str(r.name)) return;
      var item = el("li", "resource");
      item.appendChild(el("p", "resource-name", r.name));
      var actions = el("div", "resource-actions");
      var tel = telHref(r.call);
      if (tel) actions.appendChild(link("action call", tel, word("call", { number: r.call })));
      var sms = smsHref(r.text);
      if (sms) {
        var label = /^text\b/i.test(str(r.text).trim()) ? str(r.text).trim() : word("text", { number: r.text });
        actions.appendChild(link("action sms", sms, label));
      }
      var chat = safeUrl(r.chat_url);
      if (chat) {
        var a = link("action chat", chat, word("chat_online"));
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        actions.appendChild(a);
      }
      item.appendChild(actions);
      list.appendChild(item);
    });
    section.appendChild(list);
    // Someone who must leave at once (safety.exit): the way out is the Quick exit button, so point at it.
    if (safety.exit === true) highlightQuickExit();
    return section;
  }

  function highlightQuickExit() {
    var button = $("quick-exit");
    button.classList.add("highlight");
    button.focus({ preventScroll: true });
  }

  function scrollDown() {
    logEl.scrollTop = logEl.scrollHeight;
  }

  // ---- typing indicator, status, composer ---------------------------------------------

  function startTyping() {
    typingEl.hidden = false;
    scrollDown();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_TIMEOUT_MS);
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    typingEl.hidden = true;
  }

  function setStatus(text) {
    statusEl.textContent = text || "";
    statusEl.hidden = !text;
  }

  function updateComposer() {
    sendButton.disabled = !ready || !input.value.trim();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  // ---- outgoing ----------------------------------------------------------------------

  function send(payload, shown) {
    var text = str(payload).trim();
    if (!text) return false;
    if (!ready) {
      setStatus(word("status_not_sent"));
      return false;
    }
    add({ from: "user", text: shown || text });
    socket.emit("user_uttered", { message: text, session_id: state.sessionId });
    startTyping();
    return true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (send(input.value)) {
      input.value = "";
      autosize();
      updateComposer();
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit(); else sendButton.click();
    }
  });
  input.addEventListener("input", function () { autosize(); updateComposer(); });

  // ---- quick exit --------------------------------------------------------------------

  function quickExit() {
    exiting = true;
    try { window.sessionStorage.clear(); } catch (e) { /* nothing to clear */ }
    try { window.localStorage.clear(); } catch (e) { /* nothing to clear */ }
    try { if (socket) socket.close(); } catch (e) { /* already closed */ }
    document.title = "";
    document.body.replaceChildren();
    // replace(): the chat leaves no entry in the tab's history, so Back can't return to it.
    window.location.replace(config.exitUrl || "about:blank");
  }

  $("quick-exit").addEventListener("click", quickExit);

  // ---- the socket --------------------------------------------------------------------

  function connect() {
    if (typeof window.io !== "function") {
      setStatus(word("status_no_client"));
      return;
    }
    socket = window.io(config.socketUrl, {
      path: config.socketPath || "/socket.io",
      transports: ["websocket"],
      reconnectionDelayMax: 10000
    });
    socket.on("connect", function () {
      setStatus(word("status_connecting"));
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (confirmed) {
      var id = typeof confirmed === "string" ? confirmed : str(confirmed && confirmed.session_id);
      if (!id) return;
      if (state.sessionId && state.sessionId !== id) { // a new conversation
        state.messages = [];
        messagesEl.replaceChildren();
        renderedCount = 0;
      }
      state.sessionId = id;
      ready = true;
      save();
      render();
      setStatus(null);
      updateComposer();
    });
    socket.on("bot_uttered", receive);
    socket.on("disconnect", function () {
      ready = false;
      updateComposer();
      if (!exiting) setStatus(word("status_lost"));
    });
    socket.on("connect_error", function () {
      ready = false;
      updateComposer();
      setStatus(word("status_unreachable"));
    });
  }

  render();
  setStatus(word("status_connecting"));
  connect();
})();
