/* Resumable upload of one zip with tus-js-client (static/vendor/tus).
 *
 * The upload's URL is kept in localStorage under the file's fingerprint, so
 * after a reload or a browser restart choosing the same file resumes from the
 * last byte the server has. Progress is shown as percent, speed and time
 * left; screen readers hear a short announcement every 10 %.
 */
(function () {
  "use strict";
  var root = document.getElementById("upload");
  if (!root || !window.tus) { return; }
  var d = root.dataset;
  var input = document.getElementById("upload-file");
  var buttons = {
    start: document.getElementById("upload-start"),
    pause: document.getElementById("upload-pause"),
    resume: document.getElementById("upload-resume"),
    cancel: document.getElementById("upload-cancel"),
  };
  var progress = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var stats = document.getElementById("upload-stats");
  var live = document.getElementById("upload-live");
  var result = document.getElementById("upload-result");
  var upload = null;
  var lastAnnounced = -1;
  var samples = [];

  function announce(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }

  function show(kind, text, link) {
    result.className = "alert alert-" + kind;
    result.setAttribute("role", kind === "danger" ? "alert" : "status");
    result.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href; a.textContent = link.text; a.className = "alert-link ms-1";
      result.appendChild(document.createTextNode(" ")); result.appendChild(a);
    }
    result.focus();
  }

  function state(running) {
    buttons.start.disabled = running !== null;
    buttons.pause.disabled = running !== true;
    buttons.resume.disabled = running !== false;
    buttons.cancel.disabled = running === null;
    input.disabled = running !== null;
  }

  function human(bytes) {
    var units = ["bytes", "KB", "MB", "GB"]; var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i ? bytes.toFixed(1) : bytes) + " " + units[i];
  }

  function duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) { return "…"; }
    var m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
    return m ? m + " min " + s + " s" : s + " s";
  }

  function onProgress(sent, total) {
    var pct = total ? Math.floor((sent / total) * 100) : 0;
    var now = Date.now();
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[0][0] > 5000) { samples.shift(); }
    var first = samples[0];
    var speed = now > first[0] ? (sent - first[1]) / ((now - first[0]) / 1000) : 0;
    progress.setAttribute("aria-valuenow", String(pct));
    bar.style.width = pct + "%";
    bar.textContent = pct + " %";
    stats.textContent = pct + d.msgPercent + " · " + human(sent) + " / " + human(total) +
      (speed > 0 ? " · " + human(speed) + "/s · " + duration((total - sent) / speed) : "");
    var step = Math.floor(pct / 10) * 10;
    if (step !== lastAnnounced) { lastAnnounced = step; announce(step + d.msgPercent); }
  }

  function finished() {
    state(null);
    announce(d.msgDone);
    show("info", d.msgDone);
    fetch(upload.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { show("danger", data.error); return; }
        if (data.duplicate) {
          show("warning", data.message, { href: data.submission_url, text: d.msgSeeEarlier });
        } else {
          show("success", data.message);
          window.location.assign(data.submission_url);
        }
      })
      .catch(function () { show("warning", d.msgDone); });
  }

  function failed(error) {
    var body = error.originalResponse ? error.originalResponse.getBody() : "";
    state(upload && upload.url ? false : null);
    show("danger", d.msgFailed + " " + (body || error.message));
  }

  buttons.start.addEventListener("click", function () {
    var file = input.files && input.files[0];
    if (!file) { show("danger", d.msgNoFile); input.focus(); return; }
    if (file.size > Number(d.maxBytes)) { show("danger", d.msgTooLarge); return; }
    result.className = ""; result.textContent = "";
    samples = []; lastAnnounced = -1;
    upload = new tus.Upload(file, {
      endpoint: d.endpoint,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      // Under the proxy's body limit (settings.SUBMISSIONS_UPLOAD_CHUNK_BYTES); the
      // server keeps every byte that arrived, so a chunk cut off mid-way resumes there.
      chunkSize: Number(d.chunkBytes) || Infinity,
      metadata: { filename: file.name, filetype: file.type || "application/zip" },
      headers: { "X-CSRFToken": d.csrf },
      removeFingerprintOnSuccess: true,
      onProgress: onProgress,
      onError: failed,
      onSuccess: finished,
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); announce(d.msgResumed); }
      else { announce(d.msgStarted); }
      state(true);
      upload.start();
    });
  });
  buttons.pause.addEventListener("click", function () {
    if (!upload) { return; }
    upload.abort().then(function () { state(false); announce(d.msgPaused); stats.textContent += " · " + d.msgPaused; });
  });
  buttons.resume.addEventListener("click", function () {
    if (!upload) { return; }
    samples = []; state(true); upload.start();
  });
  buttons.cancel.addEventListener("click", function () {
    if (!upload) { return; }
    upload.abort(true).then(function () {
      state(null); upload = null;
      progress.setAttribute("aria-valuenow", "0"); bar.style.width = "0%"; bar.textContent = "0 %";
      stats.textContent = ""; show("secondary", d.msgCancelled); announce(d.msgCancelled);
    });
  });
}());
