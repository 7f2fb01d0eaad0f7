// Typed work outlives the idle end of the session.
//
//   <form data-autosave="piece:12">   its fields are kept in this browser (localStorage, per
//                                     user and per form) while someone types, and offered
//                                     back (恢复 / 丢弃) when the form is opened again unsaved
//   data-autosave-url="…"             and sent there every data-autosave-seconds when changed
//                                     (the piece editor: the server saves a draft revision)
//
// Before the session ends the page offers 继续 (extends it); a form sent after it ended
// asks for the password in place, logs in through the real login page (django-axes still
// counts), and sends the form again with the new CSRF token. <body data-session-*> carries
// the timings (web/context_processors.py). Passwords, CSRF tokens, hidden and file fields
// are never stored.
(function () {
  "use strict";

  const body = document.body;
  const conf = {
    user: body.dataset.sessionUser || "",
    username: body.dataset.sessionUsername || "",
    idle: Number(body.dataset.sessionIdleSeconds) || 0,
    warning: Number(body.dataset.sessionWarningSeconds) || 0,
    autosave: Number(body.dataset.autosaveSeconds) || 60,
    statusUrl: body.dataset.sessionStatusUrl,
    extendUrl: body.dataset.sessionExtendUrl,
    loginUrl: body.dataset.loginUrl,
    logoutUrl: body.dataset.logoutUrl,
    passwordUrl: body.dataset.passwordUrl,
  };
  const PREFIX = "bulletin.autosave.";
  const KEEP_DAYS = 30;
  const DEBOUNCE_MS = 800;

  // --- the browser's copy -----------------------------------------------------------

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage switched off: the rest still works
    }
  }

  function read(key) {
    const store = storage();
    if (!store) return null;
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, entry) {
    const store = storage();
    if (!store) return;
    try {
      store.setItem(key, JSON.stringify(entry));
    } catch (error) {
      // full: the server's copy (where there is one) still goes on
    }
  }

  function forget(key) {
    const store = storage();
    if (store) store.removeItem(key);
  }

  function keyOf(form) {
    return `${PREFIX}${conf.user}.${form.dataset.autosave}`;
  }

  function kept(element) {
    if (!element.name || element.disabled || element.name === "csrfmiddlewaretoken") return false;
    if (element.hasAttribute("data-no-autosave")) return false;
    const type = (element.type || "").toLowerCase();
    return !["password", "hidden", "file", "submit", "button", "reset", "image"].includes(type);
  }

  // {name: [value per element of that name]}; a box is true/false, a multiple select a list.
  function snapshot(form) {
    const fields = {};
    for (const element of form.elements) {
      if (!kept(element)) continue;
      const list = fields[element.name] || (fields[element.name] = []);
      if (element.type === "checkbox" || element.type === "radio") list.push(element.checked);
      else if (element.type === "select-multiple") list.push(Array.from(element.selectedOptions, (o) => o.value));
      else list.push(element.value);
    }
    return fields;
  }

  function richArea(element) {
    return element.id ? document.querySelector(`.richtext-area[data-for="${element.id}"]`) : null;
  }

  function fill(form, fields) {
    const seen = {};
    for (const element of form.elements) {
      if (!kept(element) || !(element.name in fields)) continue;
      const index = (seen[element.name] = (seen[element.name] || 0) + 1) - 1;
      const value = fields[element.name][index];
      if (value === undefined) continue;
      if (element.type === "checkbox" || element.type === "radio") element.checked = Boolean(value);
      else if (element.type === "select-multiple") {
        for (const option of element.options) option.selected = value.includes(option.value);
      } else {
        element.value = value;
        const area = richArea(element);
        if (area) {
          area.innerHTML = value || "<p><br></p>";
          area.dispatchEvent(new Event("input")); // the editor writes it back, normalised
        }
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function clock(ms) {
    const when = new Date(ms);
    const now = new Date();
    const hm = `${String(when.getHours()).padStart(2, "0")}:${String(when.getMinutes()).padStart(2, "0")}`;
    return when.toDateString() === now.toDateString() ? hm : `${when.getMonth() + 1}月${when.getDate()}日 ${hm}`;
  }

  // Every entry of this browser (any user) older than KEEP_DAYS goes.
  function sweep() {
    const store = storage();
    if (!store) return;
    const limit = Date.now() - KEEP_DAYS * 86400 * 1000;
    for (let i = store.length - 1; i >= 0; i--) {
      const key = store.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      const entry = read(key);
      if (!entry || !(entry.savedAt > limit)) forget(key);
    }
  }

  const forms = new Map(); // form → {key, initial, timer, status, serverSent, serverBusy, stopped}

  function remember(form, extra) {
    const state = forms.get(form);
    if (!state) return;
    const fields = snapshot(form);
    if (same(fields, state.initial) && !extra) {
      forget(state.key); // back to what the page came with: nothing to keep
      return;
    }
    // The version the text was written on (the piece editor): restored with the text, so a
    // piece changed since is a conflict when saved, not overwritten.
    const version = form.querySelector("input[name=version]");
    const entry = Object.assign({ savedAt: Date.now(), path: location.pathname, fields, version: version ? version.value : null }, extra || {});
    write(state.key, entry);
    if (!form.dataset.autosaveUrl && state.status) say(state, `已暂存在本浏览器 ${clock(entry.savedAt)}`);
  }

  function say(state, text, warn) {
    if (!state.status) return;
    state.status.textContent = text;
    state.status.classList.toggle("text-danger", Boolean(warn));
  }

  function hasErrors(form) {
    return Boolean(form.querySelector(".is-invalid, .invalid-feedback") || document.querySelector("main .alert-danger"));
  }

  function offer(form, state, entry) {
    const box = document.createElement("div");
    box.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2 autosave-offer";
    box.setAttribute("role", "alert");
    const text = document.createElement("span");
    text.className = "me-auto";
    text.textContent = `发现未保存的内容（${clock(entry.savedAt)}），可恢复到表单中，或丢弃。`;
    const buttons = document.createElement("span");
    buttons.className = "d-flex gap-2";
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-primary";
    restore.textContent = "恢复";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = "丢弃";
    restore.addEventListener("click", () => {
      fill(form, entry.fields);
      const version = form.querySelector("input[name=version]");
      if (version && entry.version) version.value = entry.version;
      box.remove();
      remember(form);
      say(state, `已恢复 ${clock(entry.savedAt)} 的内容，请核对后保存。`);
    });
    discard.addEventListener("click", () => {
      forget(state.key);
      box.remove();
    });
    buttons.append(restore, discard);
    box.append(text, buttons);
    form.before(box);
    // A form on a tab not shown (the review page's 退回修改 …): show that tab, or nobody sees the offer.
    const pane = form.closest(".tab-pane");
    const tab = pane && pane.id && document.querySelector(`[data-bs-target="#${pane.id}"]`);
    if (tab && window.bootstrap && !pane.classList.contains("active")) window.bootstrap.Tab.getOrCreateInstance(tab).show();
  }

  function setUp(form) {
    const state = { key: keyOf(form), initial: snapshot(form), timer: 0, status: null, serverSent: null, serverBusy: false, stopped: false };
    forms.set(form, state);
    if (form.dataset.autosaveUrl || form.hasAttribute("data-autosave-status")) {
      state.status = document.createElement("div");
      state.status.className = "autosave-status form-text";
      state.status.setAttribute("role", "status");
      state.status.setAttribute("aria-live", "polite");
      form.append(state.status);
    }
    state.serverSent = JSON.stringify(state.initial);
    const entry = read(state.key);
    if (!entry) return;
    if (entry.submitted && !entry.interrupted) {
      // Sent and answered: with errors the page holds what was sent; without, it was saved.
      if (hasErrors(form)) write(state.key, Object.assign(entry, { submitted: false }));
      else forget(state.key);
      return;
    }
    if (same(entry.fields, state.initial)) {
      forget(state.key);
      return;
    }
    offer(form, state, entry);
  }

  // A page shown after a send, without that form: the send went through, unless this is
  // the login (the send met an ended session) or the password page (a login that must
  // change its password first) — then the text is kept for the form's next opening.
  function settleSent() {
    const store = storage();
    if (!store) return;
    const here = location.pathname;
    const interrupted = !conf.user || here === conf.loginUrl || here === conf.passwordUrl || Boolean(body.dataset.secondFactorPending);
    const onPage = new Set(Array.from(forms.values(), (s) => s.key));
    for (let i = store.length - 1; i >= 0; i--) {
      const key = store.key(i);
      if (!key || !key.startsWith(PREFIX) || onPage.has(key)) continue;
      const entry = read(key);
      if (!entry || !entry.submitted || entry.interrupted) continue;
      if (interrupted) {
        write(key, Object.assign(entry, { interrupted: true }));
        // A form sent into an ended session lands here; after the login, back to the page
        // the form was on (where it is offered back), not to the address it was sent to,
        // which may answer only a POST.
        const next = document.querySelector("main form input[name=next]");
        if (next && here === conf.loginUrl && Date.now() - entry.savedAt < 10 * 60 * 1000) next.value = entry.path;
      } else if (key.startsWith(`${PREFIX}${conf.user}.`)) forget(key);
    }
  }

  // --- the server's copy (the piece editor) ---------------------------------------

  async function sendToServer(form) {
    const state = forms.get(form);
    if (!state || state.stopped || state.serverBusy) return;
    const now = JSON.stringify(snapshot(form));
    if (now === state.serverSent) return;
    state.serverBusy = true;
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
        redirect: "manual",
      });
      const answer = (response.headers.get("Content-Type") || "").includes("json") ? await response.json() : {};
      if (response.ok) {
        state.serverSent = now;
        const version = form.querySelector("input[name=version]");
        if (version && answer.version) version.value = answer.version;
        remember(form); // the browser's copy now names the new version
        say(state, `已自动保存 ${answer.saved_at}`);
        session.extended(conf.idle);
      } else if (response.status === 401 || response.type === "opaqueredirect") {
        say(state, "登录已超时，未能自动保存；内容仍暂存在本浏览器中。", true);
      } else {
        if (response.status === 409) state.stopped = true; // the save button shows both texts
        say(state, answer.message || "未能自动保存，内容仍暂存在本浏览器中。", true);
      }
    } catch (error) {
      say(state, "网络不通，未能自动保存；内容仍暂存在本浏览器中。", true);
    } finally {
      state.serverBusy = false;
    }
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  function changed(event) {
    const form = event.target && event.target.form ? event.target.form : event.target.closest && event.target.closest("form");
    const state = form && forms.get(form);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => remember(form), DEBOUNCE_MS);
  }

  // --- the session --------------------------------------------------------------------

  async function status() {
    try {
      const response = await fetch(conf.statusUrl, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
      if (!response.ok) return null;
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  // Signed in as this page's person, second factor given (a login that still owes its
  // 验证码 reaches no page yet: accounts/second_factor_middleware.py).
  function mine(state) {
    return state && state.authenticated && String(state.user_id) === conf.user && !state.second_factor;
  }

  function csrfCookie() {
    const found = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return found ? found.slice("csrftoken=".length) : "";
  }
  let pageCookie = csrfCookie();

  function setToken(token) {
    if (!token) return;
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((input) => (input.value = token));
    pageCookie = csrfCookie();
  }

  const session = {
    ends: Date.now() + conf.idle * 1000,
    timer: 0,
    extended(seconds) {
      this.ends = Date.now() + seconds * 1000;
      this.schedule();
    },
    schedule() {
      clearTimeout(this.timer);
      if (!conf.idle) return;
      const lead = Math.min(conf.warning, conf.idle / 2) * 1000;
      this.timer = setTimeout(() => this.check(), Math.max(0, this.ends - lead - Date.now()));
    },
    async check() {
      const state = await status();
      if (state === null) {
        this.timer = setTimeout(() => this.check(), 60000); // the server is away: ask again later
        return;
      }
      if (!mine(state)) {
        dialog.reauth(null);
        return;
      }
      this.ends = Date.now() + state.seconds_left * 1000;
      if (state.seconds_left * 1000 > Math.min(conf.warning, conf.idle / 2) * 1000 + 1000) {
        this.schedule(); // another tab kept it alive
        return;
      }
      setToken(state.csrf_token);
      dialog.warn(this.ends);
    },
    async extend() {
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      try {
        const response = await fetch(conf.extendUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "XMLHttpRequest" },
          redirect: "manual",
        });
        if (response.ok) {
          const state = await response.json();
          this.extended(state.seconds_left);
          return true;
        }
      } catch (error) {
        // fall through: the password dialog takes over
      }
      return false;
    },
  };

  // --- the dialog: 继续 before the end, the password after it -----------------------

  const dialog = {
    element: null,
    countdown: 0,
    pending: null, // {form, submitter}: a send held back until the login

    build() {
      if (this.element) return this.element;
      const element = document.createElement("dialog");
      element.className = "session-dialog";
      element.setAttribute("aria-labelledby", "session-dialog-title");
      element.innerHTML = `
        <form method="dialog" class="session-dialog-body" novalidate>
          <h2 class="h5 mb-2" id="session-dialog-title"></h2>
          <p class="session-dialog-text mb-3"></p>
          <div class="session-dialog-login" hidden>
            <div class="mb-2"><label class="form-label" for="session-dialog-username">用户名</label>
              <input class="form-control" id="session-dialog-username" autocomplete="username" readonly></div>
            <div class="mb-2"><label class="form-label" for="session-dialog-password">密码</label>
              <input class="form-control" id="session-dialog-password" type="password" autocomplete="current-password"></div>
            <div class="session-dialog-error alert alert-danger py-1 px-2 small" role="alert" hidden></div>
          </div>
          <div class="d-flex flex-wrap gap-2 justify-content-end">
            <a class="btn btn-link me-auto session-dialog-elsewhere" target="_blank" rel="noopener" hidden>在新窗口登录</a>
            <button type="button" class="btn btn-outline-secondary session-dialog-cancel" hidden>取消</button>
            <button type="submit" class="btn btn-primary session-dialog-go"></button>
          </div>
        </form>`;
      document.body.append(element);
      element.querySelector(".session-dialog-elsewhere").href = conf.loginUrl;
      element.querySelector("#session-dialog-username").value = conf.username;
      element.querySelector(".session-dialog-cancel").addEventListener("click", () => this.close());
      element.querySelector("#session-dialog-password").addEventListener("input", () => {
        element.querySelector(".session-dialog-error").hidden = true;
      });
      element.querySelector("form").addEventListener("submit", (event) => {
        event.preventDefault();
        this.go();
      });
      // Esc: the dialog goes; at the end of the session the password is asked for.
      element.addEventListener("cancel", (event) => {
        event.preventDefault();
        const warned = this.mode === "warn";
        this.close();
        if (warned) session.timer = setTimeout(() => session.check(), Math.max(0, session.ends - Date.now()) + 1000);
      });
      this.element = element;
      return element;
    },

    show(mode, title, text, go) {
      const element = this.build();
      const previous = this.mode;
      this.mode = mode;
      element.querySelector("#session-dialog-title").textContent = title;
      element.querySelector(".session-dialog-text").textContent = text;
      element.querySelector(".session-dialog-go").textContent = go;
      if (element.open && mode === previous) return; // the countdown: only the text moves
      element.querySelector(".session-dialog-login").hidden = mode !== "login";
      element.querySelector(".session-dialog-elsewhere").hidden = mode !== "login";
      element.querySelector(".session-dialog-cancel").hidden = mode !== "login";
      element.querySelector(".session-dialog-error").hidden = true;
      if (!element.open) element.showModal();
      if (mode === "login") element.querySelector("#session-dialog-password").focus();
      else element.querySelector(".session-dialog-go").focus();
    },

    warn(ends) {
      const tick = () => {
        const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
        if (left <= 0) {
          clearInterval(this.countdown);
          // The server's clock decides: a second later it has ended (or another tab extended it).
          session.timer = setTimeout(() => session.check(), 1000);
          return;
        }
        const text = `为保护账号安全，系统将在 ${Math.floor(left / 60)} 分 ${String(left % 60).padStart(2, "0")} 秒后退出登录。` +
          (forms.size ? "正在填写的内容已暂存在本浏览器中。" : "") + "需要继续使用，请点“继续”。";
        this.show("warn", "即将因长时间未操作而退出登录", text, "继续");
      };
      clearInterval(this.countdown);
      tick();
      this.countdown = setInterval(tick, 1000);
    },

    reauth(pending) {
      clearInterval(this.countdown);
      if (pending) this.pending = pending;
      forms.forEach((state, form) => remember(form));
      this.show(
        "login",
        "登录已超时，请输入密码",
        this.pending
          ? "因长时间未操作，系统已退出登录。您填写的内容没有丢失：输入密码后将接着保存。"
          : "因长时间未操作，系统已退出登录。您填写的内容没有丢失：输入密码后可继续编辑。",
        this.pending ? "登录并保存" : "登录"
      );
    },

    close() {
      clearInterval(this.countdown);
      this.mode = null;
      if (this.element && this.element.open) this.element.close();
      this.pending = null;
      const password = this.element && this.element.querySelector("#session-dialog-password");
      if (password) password.value = "";
    },

    async go() {
      if (this.mode === "warn") {
        clearInterval(this.countdown);
        if (await session.extend()) this.close();
        else this.reauth(null);
        return;
      }
      const element = this.element;
      const error = element.querySelector(".session-dialog-error");
      const button = element.querySelector(".session-dialog-go");
      const password = element.querySelector("#session-dialog-password");
      if (!password.value) {
        error.textContent = "请输入密码。";
        error.hidden = false;
        return;
      }
      button.disabled = true;
      try {
        const answer = await logIn(password.value);
        if (!answer.ok) {
          error.textContent = answer.message;
          error.hidden = false;
          return;
        }
        password.value = "";
        setToken(answer.token);
        session.extended(conf.idle);
        const pending = this.pending;
        this.pending = null;
        this.close();
        if (pending) resend(pending.form, pending.submitter);
      } finally {
        button.disabled = false;
      }
    },
  };

  // The real login page, as its own form would post to it: a refusal comes back as that
  // page, whose message is shown here.
  async function logIn(password) {
    const before = await status();
    if (before === null) return { ok: false, message: "无法连接服务器，请稍后再试。" };
    if (before.authenticated && String(before.user_id) !== conf.user) {
      return { ok: false, message: "此浏览器已在别处登录了另一个账号。请在新窗口退出该账号后再试。" };
    }
    if (!before.authenticated) {
      const data = new URLSearchParams({ username: conf.username, password, csrfmiddlewaretoken: before.csrf_token, next: location.pathname });
      let response;
      try {
        response = await fetch(conf.loginUrl, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
      } catch (error) {
        return { ok: false, message: "无法连接服务器，请稍后再试。" };
      }
      if (response.type !== "opaqueredirect") {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const said = page.querySelector("main form .alert-danger, main form .invalid-feedback") || page.querySelector("main .empty-state");
        const message = said ? said.textContent.replace(/\s+/g, " ").replace("返回登录页", "").trim() : "";
        return { ok: false, message: message || "登录未成功，请重试。" };
      }
    }
    const after = await status();
    if (after && after.authenticated && String(after.user_id) === conf.user && after.second_factor) {
      // The password was right; the 验证码 is given on its own page, in a new window, so
      // this page and its typed text stay as they are. 登录 here again afterwards.
      dialog.element.querySelector(".session-dialog-elsewhere").href = conf.loginUrl;
      return { ok: false, message: "密码正确。请点“在新窗口登录”输入身份验证器 App 上的动态验证码，完成后回到这里再点“登录”。" };
    }
    if (!mine(after)) return { ok: false, message: "登录未成功，请重试。" };
    return { ok: true, token: after.csrf_token };
  }

  // --- sending a form ---------------------------------------------------------------

  const sending = new Set(); // forms already checked and on their way

  function resend(form, submitter) {
    sending.add(form);
    if (submitter && submitter.form === form) form.requestSubmit(submitter);
    else form.requestSubmit();
  }

  function mustCheck(form) {
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return false;
    if (!conf.user) return false;
    const action = new URL(form.action, location.href).pathname;
    if (action === conf.logoutUrl || action === conf.loginUrl) return false;
    // Asked only when the session may have ended under the page: its idle time is up as
    // far as this page knows (another tab's requests only make the real end later), or a
    // login elsewhere in this browser changed the CSRF cookie, so the page's tokens are
    // stale. Any other send goes at once; one that still meets an ended session (a logout
    // in another tab) goes to the login page, and its text is offered back after it.
    return Date.now() > session.ends - 5000 || csrfCookie() !== pageCookie;
  }

  // The browser's copy of a form on its way is marked sent: the next page tells whether it
  // arrived (settleSent, setUp).
  function sent(form, event) {
    const state = forms.get(form);
    if (!state) return;
    state.stopped = true; // no autosave races the save itself
    remember(form, { submitted: true, savedAt: Date.now() });
    // After the other listeners: a send they stopped (确认 answered 取消) was no send.
    setTimeout(() => {
      if (!event.defaultPrevented) return;
      state.stopped = false;
      remember(form);
    }, 0);
  }

  // In the capture phase, before app.js's 确认 and submit_once.js: a send held back here
  // goes on later as if it had not been stopped.
  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      if (sending.has(form) || !mustCheck(form)) {
        sending.delete(form);
        sent(form, event);
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      const submitter = event.submitter;
      const state = await status();
      if (state === null || mine(state)) {
        if (state) setToken(state.csrf_token);
        resend(form, submitter);
        return;
      }
      if (forms.has(form)) remember(form);
      dialog.reauth({ form, submitter });
    },
    true
  );

  // --- start ------------------------------------------------------------------------

  function start() {
    sweep();
    if (conf.user) document.querySelectorAll("form[data-autosave]").forEach(setUp);
    settleSent();
    if (!conf.user) return;
    forms.forEach((state, form) => {
      if (!form.dataset.autosaveUrl) return;
      setInterval(() => sendToServer(form), conf.autosave * 1000);
    });
    // The password page and the 验证码 page come before any other (accounts/middleware.py,
    // accounts/second_factor_middleware.py): nothing to keep alive there.
    if (location.pathname !== conf.passwordUrl && !body.dataset.secondFactorPending) session.schedule();
  }
  // After the page's own scripts (editor.js fills the body editor), so the first reading
  // of a form is what the person sees.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.bulletinSession = { session, dialog, sendToServer: (form) => sendToServer(form) };
})();
