// 排版中 / 刊发中: follow a background render and show its result without a reload.
// Polls the status URL (JSON: status, progress 0–100, expected_ms, error, pdf_url) every
// 0.4 s; the bar also advances smoothly between answers from the expected render time.
(function () {
  "use strict";
  const box = document.getElementById("render-status");
  if (!box) return;
  const bar = box.querySelector(".progress-bar");
  const progress = document.getElementById("render-progress");
  const label = document.getElementById("render-label");
  const detail = document.getElementById("render-detail");
  const failed = document.getElementById("render-failed");
  const errorBox = document.getElementById("render-error");
  const spinner = document.getElementById("render-spinner");
  const retry = document.getElementById("render-retry");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  let shown = Number(box.dataset.progress) || 0;
  let stopped = false;

  function setProgress(value) {
    shown = Math.max(shown, Math.min(100, value));
    bar.style.width = shown + "%";
    progress.setAttribute("aria-valuenow", String(Math.round(shown)));
  }

  function apply(data) {
    if (data.status === "ready") {
      stopped = true;
      setProgress(100);
      label.textContent = { publish: "已刊发", correct: "更正完成" }[box.dataset.purpose] || "排版完成";
      detail.textContent = "正在打开……";
      window.location.replace(data.pdf_url);
      return;
    }
    if (data.status === "published") {
      stopped = true;
      window.location.replace(data.url);
      return;
    }
    if (data.status === "failed") {
      stopped = true;
      spinner.classList.add("d-none");
      label.textContent = { publish: "刊发失败", correct: "更正失败" }[box.dataset.purpose] || "排版失败";
      detail.textContent = "";
      errorBox.textContent = data.error || "原因不明。";
      failed.classList.remove("d-none");
      if (box.dataset.purpose !== "preview") window.location.replace(data.pdf_url);
      return;
    }
    box.dataset.status = data.status;
    box.dataset.expectedMs = data.expected_ms;
    const seconds = Math.max(1, Math.round(data.expected_ms / 1000));
    if (data.status === "queued") {
      label.textContent = "排队中";
      detail.textContent = (data.note ? data.note + " " : "") + (data.worker_alive
        ? "等待后台排版进程接手，排版约需 " + seconds + " 秒"
        : "后台排版进程没有运行，排好前请联系管理员（manage.py run_worker）");
    } else {
      label.textContent = "排版中";
      detail.textContent = "预计约 " + seconds + " 秒，已完成 " + Math.round(Math.max(shown, data.progress)) + "%";
    }
    setProgress(data.progress);
  }

  async function poll(options) {
    try {
      const response = await fetch(box.dataset.statusUrl, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
      if (response.ok) apply(await response.json());
      // The server answers but cannot work (its database is down): the job waits and goes on
      // by itself once it is back; nothing needs clicking again.
      else if (response.status >= 500) detail.textContent = "服务器暂时不可用（如数据库中断），恢复后会自动继续，无需重新操作。";
    } catch (error) {
      detail.textContent = "网络连接中断，正在重试……";
    }
    if (!stopped) setTimeout(poll, 400);
  }

  // While rendering, between answers the bar creeps toward 95 % at the expected pace.
  setInterval(() => {
    if (stopped || box.dataset.status !== "rendering") return;
    const step = (100 * 200) / (Number(box.dataset.expectedMs) || 1500);
    if (shown + step < 95) setProgress(shown + step);
  }, 200);

  if (retry) {
    retry.addEventListener("click", () => {
      failed.classList.add("d-none");
      spinner.classList.remove("d-none");
      stopped = false;
      shown = 0;
      poll({ method: "POST", headers: { Accept: "application/json", "X-CSRFToken": csrf } });
    });
  }
  if (box.dataset.status === "failed") apply({ status: "failed", error: errorBox.textContent, pdf_url: "" });
  else poll();
})();
