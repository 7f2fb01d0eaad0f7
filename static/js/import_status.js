// 从 Word 导入 · 读取中: follow the background reading of an upload and open the draft form
// when it is done. Polls the status URL (JSON: status, label, detail, error, url) once a
// second; "done" or "failed" goes to the job's own page, which forwards to the draft form
// or shows the reason with the upload form. Without script the page refreshes itself.
(function () {
  "use strict";
  const box = document.getElementById("import-status");
  if (!box) return;
  const label = document.getElementById("import-label");
  const detail = document.getElementById("import-detail");
  let failures = 0;

  function apply(data) {
    if (data.status === "done" || data.status === "failed") {
      label.textContent = data.status === "done" ? "读取完成，正在打开稿件……" : "读取失败";
      detail.textContent = data.error || "";
      window.location.replace(data.url);
      return true;
    }
    label.textContent = data.label;
    detail.textContent = data.detail;
    return false;
  }

  async function poll() {
    let finished = false;
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        failures = 0;
        finished = apply(await response.json());
      } else if (response.status === 404 || response.status === 403) {
        window.location.reload();  // signed out or gone: the page itself says why
        return;
      }
    } catch (error) {
      failures += 1;
      if (failures >= 5) {
        window.location.reload();  // e.g. signed out: the page itself says what to do
        return;
      }
      detail.textContent = "网络连接中断，正在重试……";
    }
    if (!finished) setTimeout(poll, Math.min(5000, 1000 * (1 + failures)));
  }
  setTimeout(poll, 500);
})();
