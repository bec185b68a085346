"use strict";
// The archivist page: calls the /v1 API with the archivist's key; never renders server data as HTML
// except search highlights, which the server HTML-escapes before adding <mark> tags.
const TEXT = {
  en: {title: "Wathiqa archive", key: "API key", placeholder: "Name, number or words", any_type: "Any type",
       passport: "Passport", marriage_certificate: "Marriage certificate", birth_certificate: "Birth certificate",
       employment_contract: "Employment contract", any_status: "Any status", verified: "Verified",
       needs_review: "Needs review", rejected: "Rejected", search: "Search", fields: "Fields", checks: "Checks",
       preview: "Original", audit: "Audit trail", found: "documents found", lang: "العربية"},
  ar: {title: "أرشيف وثيقة", key: "مفتاح الدخول", placeholder: "اسم أو رقم أو كلمات", any_type: "كل الأنواع",
       passport: "جواز سفر", marriage_certificate: "عقد زواج", birth_certificate: "شهادة ميلاد",
       employment_contract: "عقد عمل", any_status: "كل الحالات", verified: "موثّق", needs_review: "بانتظار المراجعة",
       rejected: "مرفوض", search: "بحث", fields: "الحقول", checks: "الفحوص", preview: "الأصل", audit: "سجل الاطلاع",
       found: "مستندات", lang: "English"},
};
let lang = "en";

function t(key) { return TEXT[lang][key] || key; }

function applyLanguage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach(el => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  document.getElementById("lang").textContent = t("lang");
}

async function api(path) {
  const response = await fetch(path, {headers: {"X-API-Key": document.getElementById("key").value}});
  if (!response.ok) throw new Error(`${response.status} ${(await response.json()).detail || ""}`);
  return response;
}

function cell(row, value) {
  const td = row.insertCell();
  td.textContent = value === null || value === undefined ? "—" : String(value);
  td.dir = "auto";  // Arabic values read right to left, Latin ones left to right, whatever the page's direction
  return td;
}

function table(id, rows) {
  const el = document.getElementById(id);
  el.replaceChildren();
  rows.forEach(values => { const row = el.insertRow(); values.forEach(v => cell(row, v)); });
  return el;
}

async function search(event) {
  event.preventDefault();
  const params = new URLSearchParams({q: document.getElementById("q").value});
  for (const name of ["type", "status"]) {
    const value = document.getElementById(name).value;
    if (value) params.set(name, value);
  }
  const message = document.getElementById("message");
  try {
    const page = await (await api(`/v1/search?${params}`)).json();
    message.textContent = `${page.total} ${t("found")}`;
    const list = document.getElementById("results");
    list.replaceChildren();
    for (const hit of page.hits) {
      const item = document.createElement("li");
      item.dataset.documentId = hit.document_id;
      const head = document.createElement("div");
      head.dir = "auto";
      head.textContent = `${t(hit.doc_type)} · ${t(hit.status)} · ${hit.names.join(" / ")} · ${hit.numbers.join(", ")}`;
      item.append(head);
      for (const fragment of hit.highlights) {
        const snippet = document.createElement("div");
        snippet.dir = "auto";
        snippet.className = "snippet";
        snippet.innerHTML = fragment;  // escaped by the server; only <mark> is markup
        item.append(snippet);
      }
      item.addEventListener("click", () => openDocument(hit.document_id));
      list.append(item);
    }
  } catch (error) {
    message.textContent = error.message;
  }
}

async function openDocument(id) {
  const record = await (await api(`/v1/documents/${id}`)).json();
  document.getElementById("document").hidden = false;
  document.getElementById("doc-title").textContent = `${t(record.doc_type)} · ${t(record.status)}`;
  table("fields", Object.entries(record.fields).filter(([k]) => k !== "mrz"));
  const checks = table("checks", record.checks.map(c => [c.name, c.outcome, c.detail]));
  Array.from(checks.rows).forEach((row, i) => row.classList.add(record.checks[i].outcome));
  const preview = document.getElementById("preview");
  if (record.mime.startsWith("image/") && !record.mime.includes("heic") && !record.mime.includes("tiff")) {
    preview.src = URL.createObjectURL(await (await api(`/v1/documents/${id}/original`)).blob());
  } else {
    preview.src = URL.createObjectURL(await (await api(`/v1/documents/${id}/pages/1.png`)).blob());
  }
  preview.alt = record.doc_type;
  const trail = await (await api(`/v1/audit?target=${encodeURIComponent(id)}`)).json();
  table("audit", trail.entries.map(e => [e.at, e.role, e.key_id, e.action, e.result]));
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("search-form").addEventListener("submit", search);
  document.getElementById("lang").addEventListener("click", () => { lang = lang === "en" ? "ar" : "en"; applyLanguage(); });
  applyLanguage();
});
