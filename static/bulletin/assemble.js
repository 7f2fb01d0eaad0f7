// Issue assembly: drag items within and across sections, move them with Alt+↑/↓, the
// ↑ ↓ buttons or 移至. After every change the complete layout is posted; the server
// answers with the new layout version, the 目录 and the count of each section (which the
// page redraws at once), or refuses a stale page (409) so nobody overwrites another's order.
// Without JavaScript the buttons and 移至 post their forms and the page reloads.
(function () {
  "use strict";
  const root = document.getElementById("assembly");
  if (!root) return;
  const status = document.getElementById("arrange-status");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const sectionsData = document.getElementById("article-sections");
  const articleSections = sectionsData ? JSON.parse(sectionsData.textContent) : [];
  let dragged = null;

  function show(message, kind) {
    status.className = "alert alert-" + kind;
    status.innerHTML = "";
    status.append(message);
    if (kind === "danger") {
      const reload = document.createElement("button");
      reload.type = "button";
      reload.className = "btn btn-sm btn-outline-danger ms-3";
      reload.textContent = "刷新页面";
      reload.addEventListener("click", () => location.reload());
      status.append(reload);
    }
  }

  function setVersion(version) {
    root.dataset.version = version;
    document.querySelectorAll(".layout-version").forEach((input) => (input.value = version));
  }

  function layout() {
    const result = {};
    root.querySelectorAll(".section-list").forEach((list) => {
      result[list.dataset.sectionId] = Array.from(list.querySelectorAll(".placement")).map((li) =>
        Number(li.dataset.placementId)
      );
    });
    return result;
  }

  // 移至 offers every article section but the one the item is in now.
  function refreshSectionChoices(list) {
    list.querySelectorAll(".placement .section-form select").forEach((select) => {
      const here = Number(list.dataset.sectionId);
      const chosen = Number(select.value);
      select.innerHTML = "";
      articleSections
        .filter((section) => section.id !== here)
        .forEach((section) => {
          const option = document.createElement("option");
          option.value = section.id;
          option.textContent = section.name;
          if (section.id === chosen) option.selected = true;
          select.append(option);
        });
    });
  }

  function refreshCounts(counts) {
    root.querySelectorAll(".section-count").forEach((badge) => {
      const list = root.querySelector(`.section-list[data-section-id="${badge.dataset.sectionId}"]`);
      const n = counts ? counts[badge.dataset.sectionId] || 0 : list.querySelectorAll(".placement").length;
      badge.textContent = badge.dataset.kind === "briefs" ? `摘登 ${n} 则` : `${n} 篇`;
    });
  }

  function refreshButtons() {
    root.querySelectorAll(".section-list").forEach((list) => {
      refreshSectionChoices(list);
      const items = list.querySelectorAll(".placement");
      items.forEach((li, i) => {
        const up = li.querySelector("button[value=up]");
        const down = li.querySelector("button[value=down]");
        if (up) up.disabled = i === 0;
        if (down) down.disabled = i === items.length - 1;
      });
      const empty = list.querySelector(".empty-slot");
      if (empty) empty.hidden = items.length > 0;
    });
  }

  // One save at a time: a move made while a save is on its way is sent after it is
  // answered, with the version that answer gave (two quick Alt+↓ must not be refused as
  // "changed by someone else", nor leave the page showing an order the server lacks).
  let saving = false;
  let again = false;

  async function save() {
    refreshButtons();
    refreshCounts(null);
    show("正在保存……", "secondary");
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    root.dataset.saving = "1";
    let saved = false;
    try {
      saved = await post();
    } finally {
      saving = false;
      delete root.dataset.saving;
    }
    if (again) {
      again = false;
      if (saved) save(); // the layout now on the page, moves made meanwhile included
    }
  }

  async function post() {
    let response;
    try {
      response = await fetch(root.dataset.arrangeUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ version: Number(root.dataset.version), layout: layout() }),
      });
    } catch (error) {
      show("网络连接失败，顺序没有保存。", "danger");
      return false;
    }
    const data = await response.json().catch(() => ({ message: "服务器返回了无法识别的结果。" }));
    if (response.ok && data.ok) {
      setVersion(data.version);
      if (!again) {
        refreshCounts(data.counts);
        const toc = document.getElementById("toc");
        if (toc && data.toc_html !== undefined) toc.innerHTML = data.toc_html;
        show(data.message, "success");
      }
      root.dispatchEvent(new CustomEvent("arranged", { detail: data }));
      return true;
    }
    show(data.message || "保存失败。", "danger");
    return false;
  }

  function accepts(list, item) {
    return list.dataset.kind === item.dataset.kind;
  }

  // The item the pointer is above, to insert before it (null: append at the end).
  function itemAfter(list, y) {
    const items = Array.from(list.querySelectorAll(".placement:not(.dragging)"));
    return items.find((li) => {
      const box = li.getBoundingClientRect();
      return y < box.top + box.height / 2;
    }) || null;
  }

  root.addEventListener("dragstart", (event) => {
    const item = event.target.closest(".placement");
    if (!item) return;
    dragged = { item, from: item.parentElement, next: item.nextElementSibling };
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.placementId);
  });

  root.addEventListener("dragover", (event) => {
    const list = event.target.closest(".section-list");
    if (!dragged || !list || !accepts(list, dragged.item)) return;
    event.preventDefault();
    const after = itemAfter(list, event.clientY);
    if (after) list.insertBefore(dragged.item, after);
    else list.appendChild(dragged.item);
  });

  root.addEventListener("drop", (event) => {
    if (dragged) event.preventDefault();
  });

  root.addEventListener("dragend", () => {
    if (!dragged) return;
    const { item, from, next } = dragged;
    item.classList.remove("dragging");
    dragged = null;
    if (item.parentElement !== from || item.nextElementSibling !== next) save();
  });

  root.addEventListener("keydown", (event) => {
    const item = event.target.closest(".placement");
    if (!item || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    const sibling = event.key === "ArrowUp" ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling || !sibling.classList.contains("placement")) return;
    if (event.key === "ArrowUp") sibling.before(item);
    else sibling.after(item);
    item.focus();
    save();
  });

  // The ↑ ↓ buttons and 移至 move the item on the page and save, like a drag.
  root.addEventListener("submit", (event) => {
    const form = event.target;
    const item = form.closest(".placement");
    if (!item) return;
    if (form.classList.contains("move-form")) {
      event.preventDefault();
      const up = event.submitter && event.submitter.value === "up";
      const sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling || !sibling.classList.contains("placement")) return;
      if (up) sibling.before(item);
      else sibling.after(item);
      (event.submitter || item).focus();
      save();
    } else if (form.classList.contains("section-form")) {
      event.preventDefault();
      const target = root.querySelector(`.section-list[data-section-id="${form.querySelector("select").value}"]`);
      if (!target) return;
      target.append(item);
      item.focus();
      save();
    }
  });

  refreshButtons();
})();
