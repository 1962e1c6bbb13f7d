// dunletters preview: live reload, tabs and the sample picker.
//
// Live reload: /events (Server-Sent Events) sends the templates' version whenever a
// file under the templates folders changes; when it differs from the version the
// page shows (#view[data-version]), the page fetches its own content again with
// ?partial=1 and swaps it in — no reload, scroll position and chosen tab kept.
// The fragment is HTML this server rendered with autoescaping, from this origin.
"use strict";

(function () {
  const live = () => document.getElementById("live");
  const view = () => document.getElementById("view");

  function say(text, state) {
    const element = live();
    if (!element) return;
    element.textContent = text;
    element.dataset.state = state || "";
  }

  function currentTab() {
    return document.body.dataset.tab || sessionStorage.getItem("dunletters-tab") || "png";
  }

  function applyTab() {
    const panels = document.querySelectorAll(".tab-panel");
    if (!panels.length) return;
    let wanted = currentTab();
    if (!document.querySelector(`.tab-panel[data-panel="${wanted}"]`)) {
      wanted = panels[0].dataset.panel;
    }
    panels.forEach((panel) => panel.classList.toggle("active", panel.dataset.panel === wanted));
    document.querySelectorAll(".tab").forEach((tab) => {
      const on = tab.dataset.tab === wanted;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", on ? "true" : "false");
    });
  }

  let pending = null;
  let busy = false;

  async function refresh() {
    const url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok && response.status !== 422) throw new Error(String(response.status));
    const html = await response.text();
    const main = document.getElementById("content");
    const scroll = window.scrollY;
    main.innerHTML = html;
    window.scrollTo(0, scroll);
    applyTab();
    document.body.dataset.updated = String(Date.now());
    say("已更新 " + new Date().toLocaleTimeString("zh-CN"), "updated");
  }

  async function drain() {
    if (busy) return;
    busy = true;
    try {
      while (pending !== null) {
        const target = pending;
        pending = null;
        const shown = view();
        if (shown && shown.dataset.version === target) continue;
        try {
          await refresh();
        } catch (error) {
          say("更新失败，稍后重试", "error");
        }
      }
    } finally {
      busy = false;
    }
  }

  function connect() {
    if (!view()) {
      if (live()) live().hidden = true;  // nothing on this page follows the templates
      return;
    }
    if (!window.EventSource) {
      say("实时预览不可用（请手动刷新）", "error");
      return;
    }
    const source = new EventSource("/events");
    source.addEventListener("open", () => say("实时预览：已连接", "connected"));
    source.addEventListener("error", () => say("实时预览：连接中断，正在重连…", "error"));
    source.addEventListener("version", (event) => {
      pending = event.data;
      drain();
    });
  }

  document.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-tab]");
    if (!tab) return;
    document.body.dataset.tab = tab.dataset.tab;
    sessionStorage.setItem("dunletters-tab", tab.dataset.tab);
    applyTab();
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.documentElement.classList.add("js");
    applyTab();
    connect();
  });
})();
