/* Drag-and-drop, progress and resumable chunked uploads for the officer's upload forms.
   Without JavaScript the same forms post the files whole; this script only enhances them.
   A file is sent in parts; after a dropped connection the script asks the server which parts
   it already has and sends only the rest (also after a page reload, via localStorage). */
(function () {
  "use strict";
  var RETRIES = 8;

  function csrfToken(form) { return form.querySelector("input[name=csrf_token]").value; }

  function request(method, url, token, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      if (body && !(body instanceof Blob)) { xhr.setRequestHeader("Content-Type", "application/json"); body = JSON.stringify(body); }
      if (body instanceof Blob) { xhr.setRequestHeader("Content-Type", "application/octet-stream"); }
      if (onProgress) { xhr.upload.onprogress = function (e) { onProgress(e.loaded); }; }
      xhr.onload = function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) { resolve(data); }
        else { var err = new Error(data.error || ("HTTP " + xhr.status)); err.refused = xhr.status < 500; reject(err); }
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.send(body || null);
    });
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function storageKey(form, file) {
    return "ppid-unggah:" + form.dataset.beginUrl + ":" + (form.dataset.replaces || "") + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  async function openSession(form, file, token) {
    var key = storageKey(form, file);
    var saved = window.localStorage && localStorage.getItem(key);
    if (saved) {
      try { return await request("GET", saved, token); } catch (e) { localStorage.removeItem(key); }
    }
    var body = { name: file.name, size: file.size };
    if (form.dataset.replaces) { body.ganti = Number(form.dataset.replaces); }
    var session = await request("POST", form.dataset.beginUrl, token, body);
    if (window.localStorage) { localStorage.setItem(key, session.status_url); }
    return session;
  }

  async function sendFile(form, file, show) {
    var token = csrfToken(form);
    var session = await openSession(form, file, token);
    var done = function (parts) { return Object.keys(parts).reduce(function (s, k) { return s + parts[k]; }, 0); };
    for (var attempt = 0; ; attempt++) {
      try {
        for (var n = 1; n <= session.part_count; n++) {
          if (session.parts[String(n)]) { continue; }
          var start = (n - 1) * session.part_size;
          var base = done(session.parts);
          var blob = file.slice(start, Math.min(start + session.part_size, file.size));
          session = await request("PUT", session.part_url + n, token, blob, function (loaded) { show(base + loaded, file.size); });
          show(done(session.parts), file.size);
        }
        break;
      } catch (error) {
        if (error.refused || attempt >= RETRIES) { throw error; }
        show(null, null, "Koneksi terputus, mencoba melanjutkan…");
        await wait(Math.min(30000, 1000 * Math.pow(2, attempt)));
        session = await request("GET", session.status_url, token).catch(function () { return session; });
      }
    }
    show(file.size, file.size, "Memeriksa isi berkas…");
    var result = await request("POST", session.finish_url, token);
    if (window.localStorage) { localStorage.removeItem(storageKey(form, file)); }
    return result;
  }

  async function sendAll(form, files) {
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    bar.hidden = false;
    var result = null;
    try {
      for (var i = 0; i < files.length; i++) {
        var file = files[i];
        var show = function (sent, total, message) {
          if (sent !== null) { bar.value = Math.floor(100 * sent / Math.max(total, 1)); }
          status.textContent = message || (file.name + ": " + bar.value + "%");
        };
        show(0, file.size);
        result = await sendFile(form, file, show);
      }
      window.location.assign(result.redirect);
    } catch (error) {
      status.textContent = error.message === "network" ? "Koneksi terputus. Pilih berkas yang sama lagi untuk melanjutkan." : error.message;
      status.classList.add("field-error");
      button.disabled = false;
    }
  }

  /* The progress page: ask how far the check has come (4 times a second at first, then every second), update
     in place, and go to the report when it is done (without JavaScript the page reloads itself instead). */
  function followCheck(box) {
    var delay = 250;
    async function poll() {
      var data;
      try {
        var response = await fetch(box.dataset.jsonUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" });
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        data = await response.json();
        delay = Math.min(1000, Math.round(delay * 1.2));
      } catch (error) {
        delay = Math.min(10000, delay * 2);
        window.setTimeout(poll, delay);
        return;
      }
      if (data.done) { window.location.assign(data.redirect); return; }
      var current = {};
      data.files.forEach(function (file) { current[String(file.version)] = file; });
      box.querySelectorAll("section.check[data-version]").forEach(function (section) {
        var file = current[section.dataset.version];
        var bar = section.querySelector("progress");
        var status = section.querySelector(".check-status");
        if (!file) { bar.value = 100; bar.textContent = "100%"; status.textContent = "Selesai diperiksa."; return; }
        if (file.percent !== null) { bar.value = file.percent; bar.textContent = file.percent + "%"; }
        if (status.textContent !== file.message) { status.textContent = file.message; }
      });
      window.setTimeout(poll, delay);
    }
    window.setTimeout(poll, delay);
  }

  var checkBox = document.getElementById("pemeriksaan");
  if (checkBox && checkBox.dataset.jsonUrl) { followCheck(checkBox); }

  document.querySelectorAll("form.upload[data-begin-url]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }
      event.preventDefault();
      sendAll(form, Array.prototype.slice.call(input.files));
    });
    if (form.classList.contains("dropzone")) {
      ["dragenter", "dragover"].forEach(function (name) {
        form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("dragging"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        form.addEventListener(name, function () { form.classList.remove("dragging"); });
      });
      form.addEventListener("drop", function (e) {
        e.preventDefault();
        if (e.dataTransfer.files.length) { sendAll(form, Array.prototype.slice.call(e.dataTransfer.files)); }
      });
    }
  });
})();
