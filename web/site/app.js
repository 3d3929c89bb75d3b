// Tessera offline badge verifier: the page logic.
//
// A thin shell over the WebAssembly module (the inlined tessera_web.js,
// global `wasm_bindgen`): it reads inputs, passes their bytes to
// Verifier.check and draws the JSON report. Plain ES2019, no modules, no
// network: it works from file://. Report data only ever goes into the page
// with textContent.
(function () {
  "use strict";

  var STRINGS = window.TESSERA_STRINGS || {};
  var MAX_FILE_BYTES = 16 * 1024 * 1024;
  var ICONS = {
    valid: "i-valid",
    revoked: "i-revoked",
    suspended: "i-expired",
    forged: "i-forged",
    expired: "i-expired",
    unknown_issuer: "i-unknown",
    unreadable: "i-unreadable",
    not_checked: "i-unreadable"
  };

  var state = {
    lang: "en",
    verifier: null,
    ready: false,
    fatal: null,        // {code, detail} when the module or site data failed
    lastInput: null,    // Uint8Array of the last checked input
    report: null,       // the last report drawn
    holder: null,       // what #holder-result shows
    status: null,       // {code, detail, kind} for #status
    marked: false       // performance mark for the first verdict
  };

  function $(id) { return document.getElementById(id); }

  function table() { return STRINGS[state.lang] || STRINGS.en || {}; }

  function t(key) {
    var v = table()[key];
    if (v == null && STRINGS.en) v = STRINGS.en[key];
    return v == null ? key : v;
  }

  function fill(template, vars) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return vars && vars[name] != null ? String(vars[name]) : all;
    });
  }

  function tf(key, vars) { return fill(t(key), vars); }

  // The sentence for an error code in the current language, or null.
  function errorText(code) {
    var mine = (table().errors || {})[code];
    if (mine) return mine;
    var en = ((STRINGS.en || {}).errors || {})[code];
    return en || null;
  }

  function message(e) {
    if (e && typeof e.message === "string") return e.message;
    return String(e);
  }

  function now() { return Date.now() / 1000; }

  // ------------------------------------------------------------ language --

  function pickLanguage() {
    var list = [];
    if (navigator.languages && navigator.languages.length) list = navigator.languages;
    else if (navigator.language) list = [navigator.language];
    for (var i = 0; i < list.length; i++) {
      if (/^pt/i.test(String(list[i]))) return "pt";
    }
    return "en";
  }

  function other(lang) { return lang === "pt" ? "en" : "pt"; }

  function applyStrings() {
    document.documentElement.lang = state.lang;
    document.title = t("page_title");
    var els = document.querySelectorAll("[data-i18n]");
    for (var i = 0; i < els.length; i++) els[i].textContent = t(els[i].getAttribute("data-i18n"));
    els = document.querySelectorAll("[data-i18n-label]");
    for (i = 0; i < els.length; i++) els[i].setAttribute("aria-label", t(els[i].getAttribute("data-i18n-label")));

    var lang = $("lang");
    lang.textContent = t("lang_switch");
    lang.setAttribute("lang", other(state.lang));
    lang.setAttribute("aria-label", t("lang_switch_label"));
    $("holder-code").setAttribute("placeholder", "ABCD-EFGH-IJKL-MNOP");

    var site = window.TESSERA_SITE;
    var issuer = $("issuer");
    if (site && typeof site.issuer === "string" && site.issuer) {
      issuer.textContent = tf("from_issuer", { issuer: site.issuer });
      issuer.hidden = false;
    } else {
      issuer.hidden = true;
    }

    renderReport(state.report);
    renderHolder();
    renderStatus();
    renderFooter();
    renderNfcButton();
  }

  function toggleLanguage() {
    state.lang = other(state.lang);
    applyStrings();
  }

  // -------------------------------------------------------------- status --

  function setStatus(code, detail, kind) {
    state.status = { code: code, detail: detail || null, kind: kind || "error" };
    renderStatus();
  }

  function clearStatus() {
    state.status = null;
    renderStatus();
  }

  function renderStatus() {
    var el = $("status");
    el.textContent = "";
    el.removeAttribute("data-code");
    el.removeAttribute("data-kind");
    var s = state.status;
    if (!s) return;
    el.setAttribute("data-code", s.code);
    el.setAttribute("data-kind", s.kind);
    el.appendChild(document.createTextNode(errorText(s.code) || t(s.code)));
    if (s.detail) {
      var d = document.createElement("span");
      d.className = "status-detail";
      d.textContent = s.detail;
      el.appendChild(d);
    }
  }

  // -------------------------------------------------------------- report --

  function verdictWord(report) {
    var words = table().verdicts || {};
    return words[report.verdict] || report.headline || String(report.verdict);
  }

  function reasonText(r) {
    if (r.error) {
      var known = errorText(r.error);
      if (known) return known;
    }
    var reason = typeof r.reason === "string" ? r.reason : "";
    if (state.lang === "en" && reason) return reason;
    if (r.verdict === "unreadable") return errorText("NotABadgeInput");
    if (r.verdict === "valid" && reason) {
      var notes = table().valid_notes || {};
      for (var key in notes) {
        if (Object.prototype.hasOwnProperty.call(notes, key) && reason.indexOf(key) >= 0) return notes[key];
      }
    }
    var generic = (table().verdict_reasons || {})[r.verdict];
    return generic || reason;
  }

  function setIcon(name) {
    var use = $("verdict").querySelector("use");
    if (use) use.setAttribute("href", "#" + name);
  }

  // A value element of #details; its row is hidden when there is no value.
  function setField(name, value) {
    var el = $("details").querySelector('[data-field="' + name + '"]');
    if (!el) return el;
    var row = el.parentNode;
    el.textContent = "";
    var empty = value == null || value === "";
    if (row && row.classList && row.classList.contains("row")) row.hidden = empty;
    if (!empty) el.textContent = String(value);
    return el;
  }

  // Only http(s) evidence becomes a link; the link loads nothing by itself.
  function setEvidence(url) {
    var el = setField("evidence", null);
    if (!el || url == null || url === "") return;
    el.parentNode.hidden = false;
    var text = String(url);
    var href = null;
    try {
      var parsed = new URL(text);
      if (parsed.protocol === "https:" || parsed.protocol === "http:") href = parsed.href;
    } catch (e) {
      href = null;
    }
    if (!href) {
      el.textContent = text;
      return;
    }
    var a = document.createElement("a");
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.referrerPolicy = "no-referrer";
    a.textContent = text;
    el.appendChild(a);
  }

  function renderReport(r) {
    var verdict = $("verdict");
    var word = verdict.querySelector(".verdict-word");
    var reason = $("reason");
    var details = $("details");
    var revocation = $("revocation-reason");
    var asOf = $("revocations-as-of");

    if (!r) {
      verdict.removeAttribute("data-verdict");
      word.textContent = t("verdict_none");
      setIcon("i-none");
      $("demo").hidden = true;
      reason.textContent = state.fatal ? "" : t("reason_none");
      details.hidden = true;
      revocation.hidden = true;
      revocation.textContent = "";
      asOf.hidden = true;
      asOf.textContent = "";
      return;
    }

    verdict.setAttribute("data-verdict", String(r.verdict));
    word.textContent = verdictWord(r);
    setIcon(ICONS[r.verdict] || "i-unreadable");
    $("demo").hidden = r.demo !== true;
    reason.textContent = reasonText(r);

    var b = r.badge;
    if (b && typeof b === "object") {
      details.hidden = false;
      setField("serial", b.serial);
      setField("issuer", b.issuer);
      var achievement = b.achievement_id == null ? null : String(b.achievement_id);
      if (b.achievement_name) achievement = achievement ? achievement + " — " + b.achievement_name : String(b.achievement_name);
      setField("achievement", achievement);
      setField("display_name", b.display_name);
      setField("issued", b.issued);
      setField("expires", b.expires == null ? t("expires_never") : b.expires);
      setField("level", b.level);
      setEvidence(b.evidence);
    } else {
      details.hidden = true;
    }

    if (r.revocation && typeof r.revocation === "object") {
      var key = r.verdict === "suspended" ? "suspension_reason" : "revocation_reason";
      revocation.textContent = r.revocation.reason
        ? tf(key, { date: r.revocation.date, reason: r.revocation.reason })
        : tf(key + "_no_text", { date: r.revocation.date });
      revocation.hidden = false;
    } else {
      revocation.textContent = "";
      revocation.hidden = true;
    }

    if (r.revocations_as_of) {
      asOf.textContent = tf("revocations_as_of", { date: r.revocations_as_of });
      asOf.hidden = false;
    } else if (b) {
      asOf.textContent = t("revocations_none");
      asOf.hidden = false;
    } else {
      asOf.textContent = "";
      asOf.hidden = true;
    }
  }

  function announce() {
    if (!state.marked) {
      state.marked = true;
      mark("tessera-verdict");
    }
    var v = $("verdict");
    try { v.focus({ preventScroll: false }); } catch (e) { v.focus(); }
  }

  // Forget the last result (an input that could not even be checked must
  // not leave an earlier verdict on screen).
  function clearResult() {
    state.report = null;
    state.lastInput = null;
    state.holder = null;
    renderReport(null);
    renderHolder();
  }

  // --------------------------------------------------------------- check --

  function notReady() {
    if (state.ready) return false;
    setStatus(state.fatal ? state.fatal.code : "NotReady", state.fatal ? state.fatal.detail : null);
    return true;
  }

  function checkRaw(bytes) {
    try {
      return JSON.parse(state.verifier.check(bytes, now()));
    } catch (e) {
      clearResult();
      setStatus("CheckFailed", message(e));
      return null;
    }
  }

  function show(bytes, report) {
    state.lastInput = bytes;
    state.report = report;
    state.holder = null;
    clearStatus();
    renderReport(report);
    renderHolder();
    announce();
  }

  function checkBytes(bytes) {
    if (notReady()) return;
    var report = checkRaw(bytes);
    if (report) show(bytes, report);
  }

  function encode(text) { return new TextEncoder().encode(text); }

  function checkText(text) {
    checkBytes(encode(String(text).trim()));
  }

  // A link's fragment is percent-encoded ('%' and ' ' are in base45's
  // alphabet); one typed or pasted by hand may not be. Check the decoded
  // text; when that cannot be read, the text with only its %20s decoded.
  function checkFragment(raw) {
    if (notReady()) return;
    var decoded;
    try {
      decoded = decodeURIComponent(raw);
    } catch (e) {
      decoded = null;
    }
    var plain = raw.replace(/%20/g, " ");
    var first = decoded == null ? plain : decoded;
    var bytes = encode(first.trim());
    var report = checkRaw(bytes);
    if (!report) return;
    if (report.verdict === "unreadable" && plain !== first) {
      var otherBytes = encode(plain.trim());
      var second = checkRaw(otherBytes);
      if (!second) return;
      if (second.verdict !== "unreadable") {
        bytes = otherBytes;
        report = second;
      }
    }
    show(bytes, report);
  }

  function checkHash() {
    var hash = location.hash || "";
    var raw = hash.charAt(0) === "#" ? hash.slice(1) : hash;
    var probe = raw;
    try { probe = decodeURIComponent(raw); } catch (e) { probe = raw; }
    if (!/TSR1:/i.test(probe) && !/TSR1:/i.test(raw)) return;
    checkFragment(raw);
  }

  // ---------------------------------------------------------- paste, file --

  function checkPaste() {
    var text = $("paste").value;
    if (!text.trim()) {
      setStatus("PasteEmpty");
      $("paste").focus();
      return;
    }
    if (notReady()) return;
    // A pasted link is a whole URL: the module finds the fragment itself.
    checkText(text);
  }

  function readFile(file) {
    if (typeof file.arrayBuffer === "function") return file.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(file);
    });
  }

  function checkFile(file) {
    if (!file) return;
    if (notReady()) return;
    if (file.size > MAX_FILE_BYTES) {
      clearResult();
      setStatus("FileTooLarge");
      return;
    }
    readFile(file).then(function (buffer) {
      checkBytes(new Uint8Array(buffer));
    }, function (e) {
      clearResult();
      setStatus("FileUnreadable", message(e));
    });
  }

  function wireFiles() {
    var input = $("file");
    var drop = $("drop");
    input.addEventListener("change", function () {
      if (input.files && input.files.length) checkFile(input.files[0]);
    });
    drop.addEventListener("click", function () { input.click(); });
    drop.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
        e.preventDefault();
        input.click();
      }
    });
    function over(e) {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      drop.classList.add("over");
    }
    drop.addEventListener("dragenter", over);
    drop.addEventListener("dragover", over);
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      var dt = e.dataTransfer;
      if (dt && dt.files && dt.files.length) {
        checkFile(dt.files[0]);
        return;
      }
      var text = dt ? (dt.getData("text/uri-list") || dt.getData("text/plain") || "") : "";
      if (text.trim()) checkText(text);
      else setStatus("DropEmpty");
    });
    // A file dropped next to the zone must not make the browser open it.
    window.addEventListener("dragover", function (e) { e.preventDefault(); });
    window.addEventListener("drop", function (e) { e.preventDefault(); });
  }

  // -------------------------------------------------------------- camera --

  var camera = { active: false, stream: null, timer: 0, detector: null };

  function stopStream(stream) {
    if (!stream) return;
    var tracks = stream.getTracks();
    for (var i = 0; i < tracks.length; i++) tracks[i].stop();
  }

  function closeCamera(returnFocus) {
    var wasActive = camera.active;
    camera.active = false;
    clearTimeout(camera.timer);
    stopStream(camera.stream);
    camera.stream = null;
    var video = $("camera-video");
    try { video.pause(); } catch (e) { /* not playing */ }
    video.srcObject = null;
    $("scanner").hidden = true;
    if (wasActive && returnFocus) $("camera").focus();
  }

  function scanFrame() {
    if (!camera.active) return;
    var video = $("camera-video");
    if (video.readyState < 2) {
      camera.timer = setTimeout(scanFrame, 150);
      return;
    }
    camera.detector.detect(video).then(function (codes) {
      if (!camera.active) return;
      for (var i = 0; i < codes.length; i++) {
        if (codes[i] && codes[i].rawValue) {
          closeCamera(false);
          checkText(codes[i].rawValue);
          return;
        }
      }
      camera.timer = setTimeout(scanFrame, 150);
    }, function () {
      if (camera.active) camera.timer = setTimeout(scanFrame, 300);
    });
  }

  function openCamera() {
    if (camera.active) return;
    if (notReady()) return;
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setStatus("CameraUnavailable");
      return;
    }
    try {
      camera.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      setStatus("CameraUnavailable", message(e));
      return;
    }
    camera.active = true;
    clearStatus();
    $("scanner").hidden = false;
    $("camera-close").focus();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        if (!camera.active) {
          stopStream(stream);
          return;
        }
        camera.stream = stream;
        var video = $("camera-video");
        video.srcObject = stream;
        var played = video.play();
        if (played && played.catch) played.catch(function () { /* frames come anyway */ });
        scanFrame();
      })
      .catch(function (e) {
        if (!camera.active) return;
        closeCamera(true);
        var denied = e && (e.name === "NotAllowedError" || e.name === "SecurityError");
        setStatus(denied ? "CameraDenied" : "CameraFailed", message(e));
      });
  }

  // ----------------------------------------------------------------- NFC --

  var nfc = { controller: null, scanning: false };

  function renderNfcButton() {
    var button = $("nfc");
    if (!button) return;
    var label = button.querySelector(".nfc-label");
    label.textContent = t(nfc.scanning ? "nfc_stop" : "nfc");
    button.setAttribute("aria-pressed", nfc.scanning ? "true" : "false");
  }

  function stopNfc() {
    if (nfc.controller) {
      try { nfc.controller.abort(); } catch (e) { /* already stopped */ }
    }
    nfc.controller = null;
    nfc.scanning = false;
    renderNfcButton();
  }

  function bytesOf(data) {
    if (!data) return null;
    if (data instanceof DataView) {
      return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    }
    if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
    return null;
  }

  // Web NFC's serialNumber ("04:11:22:33:44:55:66"): the tag's UID, which a
  // card-bound badge names. Null when the browser gives none.
  function serialBytes(serial) {
    if (typeof serial !== "string" || !/^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(serial)) return null;
    var parts = serial.split(":");
    var out = new Uint8Array(parts.length);
    for (var i = 0; i < parts.length; i++) out[i] = parseInt(parts[i], 16);
    return out;
  }

  function checkCard(bytes, uid) {
    if (notReady()) return;
    if (!uid) {
      checkBytes(bytes);
      return;
    }
    var report;
    try {
      report = JSON.parse(state.verifier.check_card(bytes, uid, now()));
    } catch (e) {
      clearResult();
      setStatus("CheckFailed", message(e));
      return;
    }
    show(bytes, report);
  }

  function onNdef(event) {
    var records = (event && event.message && event.message.records) || [];
    var i;
    for (i = 0; i < records.length; i++) {
      if (String(records[i].recordType).toLowerCase() === "tsr.io:b") {
        var bytes = bytesOf(records[i].data);
        if (bytes) {
          checkCard(bytes, serialBytes(event.serialNumber));
          return;
        }
      }
    }
    // A card that carries the badge's link instead.
    for (i = 0; i < records.length; i++) {
      var type = records[i].recordType;
      if ((type === "url" || type === "absolute-url" || type === "text") && records[i].data) {
        var text = "";
        try {
          text = new TextDecoder(records[i].encoding || "utf-8").decode(records[i].data);
        } catch (e) {
          text = "";
        }
        if (/TSR1:/i.test(text)) {
          checkText(text);
          return;
        }
      }
    }
    clearResult();
    setStatus("NfcNoBadge");
  }

  function startNfc() {
    if (nfc.scanning) {
      stopNfc();
      clearStatus();
      return;
    }
    if (notReady()) return;
    if (!("NDEFReader" in window)) {
      setStatus("NfcUnavailable");
      return;
    }
    var reader;
    try {
      reader = new window.NDEFReader();
    } catch (e) {
      setStatus("NfcUnavailable", message(e));
      return;
    }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    nfc.controller = controller;
    nfc.scanning = true;
    renderNfcButton();
    reader.onreading = function (event) {
      if (nfc.controller !== controller || !nfc.scanning) return;
      onNdef(event);
    };
    reader.onreadingerror = function () {
      if (nfc.controller !== controller || !nfc.scanning) return;
      setStatus("NfcReadFailed");
    };
    reader.scan(controller ? { signal: controller.signal } : undefined).then(function () {
      if (nfc.controller === controller && nfc.scanning) setStatus("nfc_waiting", null, "info");
    }, function (e) {
      if (nfc.controller !== controller) return;
      stopNfc();
      var name = e && e.name;
      if (name === "AbortError") return;
      if (name === "NotAllowedError" || name === "SecurityError") setStatus("NfcDenied", message(e));
      else if (name === "NotSupportedError" || name === "NotReadableError") setStatus("NfcUnavailable", message(e));
      else setStatus("NfcReadFailed", message(e));
    });
  }

  // -------------------------------------------------------------- holder --

  function holderCheck(event) {
    if (event) event.preventDefault();
    var identity = $("holder-identity").value.trim();
    var code = $("holder-code").value.trim();
    if (!state.ready) {
      state.holder = { message: state.fatal ? state.fatal.code : "NotReady", error: "not-ready" };
    } else if (!state.lastInput) {
      state.holder = { message: "holder_no_input", error: "no-input" };
    } else if (!identity) {
      state.holder = { message: "holder_identity_missing", error: "identity" };
      $("holder-identity").focus();
    } else {
      var json = null;
      try {
        json = state.verifier.check_holder(state.lastInput, now(), identity, code);
      } catch (e) {
        var text = message(e);
        state.holder = /is not a claim code/.test(text)
          ? { message: "holder_code_bad", error: "code" }
          : { message: "CheckFailed", error: "failed", detail: text };
      }
      if (json !== null) {
        try {
          var report = JSON.parse(json);
          state.report = report;
          renderReport(report);
          state.holder = { report: report, identity: identity };
        } catch (e) {
          state.holder = { message: "CheckFailed", error: "failed", detail: message(e) };
        }
      }
    }
    renderHolder();
  }

  function renderHolder() {
    var el = $("holder-result");
    var note = $("holder-note");
    el.removeAttribute("data-belongs");
    el.removeAttribute("data-error");
    el.textContent = "";
    note.textContent = "";
    var h = state.holder;
    if (!h) return;
    if (h.message) {
      el.setAttribute("data-error", h.error);
      el.textContent = errorText(h.message) || t(h.message);
      if (h.detail) note.textContent = h.detail;
      return;
    }
    var r = h.report;
    var holder = r && r.holder;
    if (!holder || typeof holder !== "object") {
      el.setAttribute("data-error", "badge");
      el.textContent = t("holder_unknown");
      return;
    }
    var belongs = holder.belongs === true;
    var who = holder.identity || h.identity;
    el.setAttribute("data-belongs", belongs ? "true" : "false");
    el.textContent = tf(belongs ? "holder_belongs" : "holder_not_belongs", { identity: who });
    var notes = [];
    if (!belongs) notes.push(t("holder_not_belongs_note"));
    if (r.verdict !== "valid") notes.push(tf("holder_badge_not_valid", { verdict: verdictWord(r) }));
    note.textContent = notes.join(" ");
  }

  // -------------------------------------------------------------- footer --

  function renderFooter() {
    var site = window.TESSERA_SITE;
    var trusted = $("footer-trusted");
    var lists = $("footer-lists");
    var built = $("footer-built");
    var url = $("footer-url");
    lists.textContent = "";
    trusted.hidden = built.hidden = url.hidden = true;
    if (!site || typeof site !== "object") return;

    if (Array.isArray(site.trust) && site.trust.length) {
      var names = [];
      for (var i = 0; i < site.trust.length; i++) {
        var issuer = site.trust[i] || {};
        var name = String(issuer.name || issuer.kid || "");
        if (!name) continue;
        names.push(issuer.demo ? tf("footer_demo", { name: name }) : name);
      }
      if (names.length) {
        trusted.textContent = tf("footer_trusted", { names: names.join(", ") });
        trusted.hidden = false;
      }
    }

    if (state.verifier) {
      var entries = [];
      try { entries = JSON.parse(state.verifier.lists()); } catch (e) { entries = []; }
      if (!Array.isArray(entries) || !entries.length) {
        var none = document.createElement("li");
        none.textContent = t("footer_no_lists");
        lists.appendChild(none);
      } else {
        for (var j = 0; j < entries.length; j++) {
          var l = entries[j] || {};
          var li = document.createElement("li");
          li.textContent = tf("footer_lists", { issuer: l.issuer || l.kid, issued: l.issued, expires: l.expires || "—" });
          lists.appendChild(li);
        }
      }
    }

    if (typeof site.built_at === "string" && site.built_at) {
      built.textContent = tf("footer_built", { date: site.built_at.slice(0, 10) });
      built.hidden = false;
    }

    if (typeof site.url === "string" && /^https?:\/\//i.test(site.url)) {
      url.querySelector(".footer-url-label").textContent = t("footer_url");
      var a = url.querySelector("a");
      a.href = site.url;
      a.textContent = site.url;
      url.hidden = false;
    }
  }

  // --------------------------------------------------------------- start --

  function fail(code, detail) {
    state.fatal = { code: code, detail: detail || null };
    document.body.setAttribute("data-error", code + (detail ? ": " + detail : ""));
    renderReport(state.report);
    setStatus(code, detail);
  }

  // The module and the site data ride in the page itself, as data blocks
  // (`<script type="application/...">`, never run), so the page is one
  // file that works from file:// and costs one request.
  function block(id) {
    var el = document.getElementById(id);
    return el ? el.textContent : null;
  }

  function wasmBytes(b64) {
    b64 = b64.replace(/\s+/g, "");
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  // The site data and the module, read as soon as this script runs (at the
  // end of the body): the module is compiled synchronously (lazily,
  // function by function, so it takes a few milliseconds) and a link's
  // verdict is drawn in the same task. A browser that refuses synchronous
  // compilation gets the asynchronous path.
  var boot = { error: null, pending: null };

  function readSite() {
    var text = block("tessera-site");
    if (text == null || text.indexOf("@TESSERA_" + "SITE@") !== -1) {
      throw { code: "SiteDataBad", detail: "the page has no site data: build the site with `tessera site build`" };
    }
    var site;
    try {
      site = JSON.parse(text);
    } catch (e) {
      throw { code: "SiteDataBad", detail: message(e) };
    }
    if (!site || typeof site !== "object") throw { code: "SiteDataBad", detail: "the site data is not an object" };
    return { site: site, text: text };
  }

  function mark(name) {
    try { if (window.performance && performance.mark) performance.mark(name); } catch (e) { /* optional */ }
  }

  function makeVerifier(siteText) {
    try {
      state.verifier = new wasm_bindgen.Verifier(siteText);
    } catch (e) {
      throw { code: "SiteDataBad", detail: message(e) };
    }
    // For benchmarks and debugging from the console.
    window.tesseraVerifier = state.verifier;
    state.ready = true;
    mark("tessera-ready");
  }

  function startBoot() {
    mark("tessera-boot");
    try {
      var read = readSite();
      window.TESSERA_SITE = read.site;
      if (typeof wasm_bindgen !== "function") {
        throw { code: "WasmFailed", detail: "the WebAssembly glue is missing from the page" };
      }
      if (typeof WebAssembly !== "object") throw { code: "WasmFailed", detail: "this browser has no WebAssembly" };
      var b64 = block("tessera-wasm");
      if (b64 == null || b64.indexOf("@TESSERA_" + "WASM@") !== -1) {
        throw { code: "WasmFailed", detail: "the WebAssembly module is missing from the page" };
      }
      var bytes;
      try {
        bytes = wasmBytes(b64);
      } catch (e) {
        throw { code: "WasmFailed", detail: message(e) };
      }
      try {
        wasm_bindgen.initSync({ module: bytes });
      } catch (e) {
        boot.pending = wasm_bindgen({ module_or_path: bytes }).then(function () {
          makeVerifier(read.text);
        });
        return;
      }
      makeVerifier(read.text);
    } catch (e) {
      boot.error = e && e.code ? e : { code: "WasmFailed", detail: message(e) };
    }
  }

  // early.js hid the result of a page opened from a link until now.
  function showResult() {
    document.documentElement.removeAttribute("data-link");
  }

  function bootFailed(e) {
    var err = e && e.code ? e : { code: "WasmFailed", detail: message(e) };
    fail(err.code, err.detail);
    showResult();
  }

  function ready() {
    renderFooter();
    document.body.setAttribute("data-ready", "true");
    checkHash();
    showResult();
  }

  function load() {
    if (boot.error) {
      bootFailed(boot.error);
    } else if (boot.pending) {
      boot.pending.then(ready, bootFailed);
    } else {
      ready();
    }
  }

  function start() {
    state.lang = pickLanguage();
    applyStrings();

    $("lang").addEventListener("click", toggleLanguage);
    $("paste-check").addEventListener("click", checkPaste);
    $("paste").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        checkPaste();
      }
    });
    wireFiles();

    var cameraButton = $("camera");
    cameraButton.hidden = !("BarcodeDetector" in window);
    cameraButton.addEventListener("click", openCamera);
    $("camera-close").addEventListener("click", function () { closeCamera(true); });
    document.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && camera.active) {
        e.preventDefault();
        closeCamera(true);
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && camera.active) closeCamera(false);
    });

    var nfcButton = $("nfc");
    nfcButton.hidden = !("NDEFReader" in window);
    nfcButton.addEventListener("click", startNfc);

    $("holder-form").addEventListener("submit", holderCheck);
    window.addEventListener("hashchange", function () {
      if (state.ready) checkHash();
    });

    load();
  }

  // The page puts this script after every element it uses, so it starts
  // at once rather than on DOMContentLoaded (which waits for the rest of
  // the file to be read).
  startBoot();
  start();
})();
