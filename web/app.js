/* The coach's web chat: a small socket.io client for Rasa's socket.io channel.
 *
 * - The conversation (session id + messages) lives in sessionStorage only: a reload in
 *   the same tab shows it again, closing the tab forgets it. Nothing goes to localStorage.
 * - Bot messages are rendered from data, never as HTML and never as raw JSON:
 *   text bubbles, quick replies (buttons), advice cards, the plan's progress checklist
 *   and the safety panel with tap-to-call / text links.
 * - "Quick exit" clears the storage and replaces the page (no history entry).
 */
(function () {
  "use strict";

  var STORE_KEY = "coach.chat.v1";
  var MAX_MESSAGES = 300;
  var TYPING_TIMEOUT_MS = 20000;
  var config = window.COACH_CONFIG || {};

  var ROLE_LABELS = {
    betrayed: "For the partner who was hurt",
    offender: "For the partner who broke trust",
    any: "For either partner"
  };
  var STEP_LABELS = {
    acknowledge: "Acknowledge what happened",
    apologize: "Apologise and commit to change",
    transparency: "Be open and consistent",
    boundaries: "Agree boundaries together"
  };

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

  // ---- incoming messages -------------------------------------------------------------

  function normalizeButtons(list) {
    if (!Array.isArray(list)) return [];
    return list.filter(function (b) {
      return b && typeof b === "object" && str(b.title) && str(b.payload);
    }).map(function (b) { return { title: str(b.title), payload: str(b.payload) }; });
  }

  function duplicates(text, custom) {
    // The text twin of a card or checklist, sent for channels without custom payloads.
    var trimmed = str(text).trim();
    if (!trimmed) return false;
    if (custom.type === "advice_card") {
      var title = str(custom.title).trim();
      return Boolean(title) && trimmed.indexOf(title) === 0;
    }
    if (custom.type === "progress") {
      return trimmed.split("\n").every(function (line) { return /^\[( |x)\] \S/.test(line.trim()); });
    }
    if (custom.type === "checkin_trend") {
      // The numbers in words ("Openness: 2 → 4"): the chart shows them, with its own text alternative.
      return trendSigns(custom).every(function (s) { return trimmed.indexOf(s.label + ":") !== -1; });
    }
    return false;
  }

  var KNOWN_TYPES = {
    advice_card: true, progress: true, safety: true, checkin_trend: true, data_export: true,
    reminder_set: true, reminder: true, ask_timezone: true
  };

  function receive(data) {
    if (!data || typeof data !== "object") return;
    var buttons = normalizeButtons(data.quick_replies || data.buttons);
    var custom = data.custom;
    if (custom && typeof custom === "object" && !Array.isArray(custom)) {
      if (!KNOWN_TYPES[custom.type]) return; // something this page can't show: never show raw JSON
      var previous = state.messages[state.messages.length - 1];
      if (previous && previous.from === "bot" && previous.kind === "text" && !previous.hidden &&
          duplicates(previous.text, custom)) {
        previous.hidden = true;
        buttons = (previous.buttons || []).concat(buttons);
        previous.buttons = [];
        removeRow(state.messages.length - 1);
      }
      add({ from: "bot", kind: "custom", custom: custom, buttons: buttons });
    } else if (str(data.text).trim() || buttons.length) {
      add({ from: "bot", kind: "text", text: str(data.text), buttons: buttons });
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
      if (message.hidden) continue;
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

  function removeRow(index) {
    var row = messagesEl.querySelector('[data-index="' + index + '"]');
    if (row) row.remove();
  }

  function renderMessage(message) {
    if (message.from === "user") return el("div", "bubble user", message.text);
    if (message.kind !== "custom") return el("div", "bubble bot", message.text);
    var custom = message.custom || {};
    if (custom.type === "advice_card") return renderCard(custom);
    if (custom.type === "progress") return renderProgress(custom);
    if (custom.type === "safety") return renderSafety(custom);
    if (custom.type === "checkin_trend") return renderTrend(custom);
    if (custom.type === "data_export") return renderExport(custom);
    if (custom.type === "reminder_set") return renderReminderSet(custom);
    if (custom.type === "reminder") return el("p", "note", "Reminder");
    if (custom.type === "ask_timezone") return renderZoneChoice();
    return el("span");
  }

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
    figure.appendChild(el("h2", "trend-title", "Your check-ins"));
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
      desc.push(s.label + " " + values.join(", then "));
    });
    var title = svg("title", { id: "trend-desc-" + renderedCount });
    title.textContent = "Check-ins from 1 (not at all) to 5 (very much). " + desc.join("; ") + ".";
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
    var a = link("action download", URL.createObjectURL(blob), "Download my data (JSON)");
    a.download = "my-coach-data.json";
    box.appendChild(a);
    return box;
  }

  function renderReminderSet(custom) {
    var date = new Date(str(custom.at));
    if (isNaN(date.getTime())) return el("span");
    var when = date.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    return el("p", "note", "Next reminder: " + when + " (this device's time)");
  }

  function deviceZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function renderZoneChoice() {
    var zone = deviceZone();
    if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return el("span");
    return renderButtons([{ title: "Use this device's time zone (" + zone + ")",
      payload: "/inform_timezone" + JSON.stringify({ tz: zone }) }]);
  }

  function renderButtons(buttons) {
    var group = el("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
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
    var kicker = ROLE_LABELS[card.role];
    if (kicker) article.appendChild(el("p", "card-kicker", kicker));
    article.appendChild(el("h2", "card-title", card.title));
    if (str(card.body)) article.appendChild(el("p", "card-body", card.body));
    var tips = Array.isArray(card.tips) ? card.tips.filter(str) : [];
    if (tips.length) {
      article.appendChild(el("h3", "card-tips-heading", "Things you could do this week"));
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
    section.setAttribute("aria-label", "Your repair plan");
    var head = el("div", "progress-head");
    head.appendChild(el("h2", "progress-title", "Your repair plan"));
    head.appendChild(el("span", "progress-count", done + " of " + total + " steps done"));
    section.appendChild(head);

    var bar = el("div", "progress-bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-label", done + " of " + total + " steps done");
    var fill = el("span", "progress-fill");
    fill.style.width = (total ? Math.round((done / total) * 100) : 0) + "%";
    bar.appendChild(fill);
    section.appendChild(bar);

    var list = el("ul", "checklist");
    steps.forEach(function (s) {
      var item = el("li", s.done ? "step done" : "step");
      item.appendChild(el("span", "check", s.done ? "\u2713" : ""));
      item.lastChild.setAttribute("aria-hidden", "true");
      var key = str(s.step);
      var label = STEP_LABELS[key] || (key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, " "));
      item.appendChild(el("span", "step-label", label));
      var when = s.done ? formatDate(s.completed_at) : "";
      item.appendChild(el("span", "step-state", s.done ? (when ? "done " + when : "done") : "to do"));
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
    section.setAttribute("aria-label", "Help right now");
    section.appendChild(el("h2", "safety-title",
      safety.level === "abuse" ? "Your safety comes first" : "Help is available right now"));
    section.appendChild(el("p", "safety-lead", "Tap a number to call or text it."));
    var list = el("ul", "resources");
    (Array.isArray(safety.resources) ? safety.resources : []).forEach(function (r) {
      if (!r || typeof r !== "object" || !str(r.name)) return;
      var item = el("li", "resource");
      item.appendChild(el("p", "resource-name", r.name));
      var actions = el("div", "resource-actions");
      var tel = telHref(r.call);
      if (tel) actions.appendChild(link("action call", tel, "Call " + str(r.call)));
      var sms = smsHref(r.text);
      if (sms) {
        var label = /^text\b/i.test(str(r.text).trim()) ? str(r.text).trim() : "Text " + str(r.text);
        actions.appendChild(link("action sms", sms, label));
      }
      var chat = safeUrl(r.chat_url);
      if (chat) {
        var a = link("action chat", chat, "Chat online");
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        actions.appendChild(a);
      }
      item.appendChild(actions);
      list.appendChild(item);
    });
    section.appendChild(list);
    // "He's coming home, I need to go": the way out is the Quick exit button, so point at it.
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
      setStatus("Not connected yet \u2014 your message was not sent.");
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
      setStatus("The chat could not load. Please try again later.");
      return;
    }
    socket = window.io(config.socketUrl, {
      path: config.socketPath || "/socket.io",
      transports: ["websocket"],
      reconnectionDelayMax: 10000
    });
    socket.on("connect", function () {
      setStatus("Connecting\u2026");
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
      if (!exiting) setStatus("Connection lost \u2014 reconnecting\u2026");
    });
    socket.on("connect_error", function () {
      ready = false;
      updateComposer();
      setStatus("Can't reach the coach right now \u2014 retrying\u2026");
    });
  }

  render();
  setStatus("Connecting\u2026");
  connect();
})();
