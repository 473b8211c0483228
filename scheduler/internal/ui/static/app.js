// Renders /api/fleet and refreshes it every two seconds. No dependencies.
"use strict";

const nodesEl = document.getElementById("nodes");
const vendorEl = document.getElementById("vendor");
const tpl = document.getElementById("node-tpl");
let last = null;

function pct(used, total) {
  return total > 0 ? Math.min(100, (100 * used) / total) : 0;
}

function bar(kind, used, total, label) {
  const el = document.createElement("div");
  el.className = "bar " + kind;
  el.dataset.used = used;
  el.dataset.total = total;
  const fill = document.createElement("span");
  fill.style.width = pct(used, total).toFixed(1) + "%";
  const text = document.createElement("em");
  text.textContent = label;
  el.append(fill, text);
  return el;
}

function deviceEl(d) {
  const el = document.createElement("div");
  el.className = "device" + (d.healthy ? "" : " unhealthy");
  el.dataset.id = d.id;
  const title = document.createElement("div");
  title.className = "title";
  title.innerHTML = "<span class=id></span><span class=type></span>";
  title.querySelector(".id").textContent = "#" + d.index + " " + d.id + (d.mode ? " [" + d.mode + "]" : "");
  title.querySelector(".type").textContent = d.type + " \u00b7 " + d.tenants + "/" + d.splitCount + " tenants";
  el.append(title,
    bar("mem", d.memoryAllocatedMiB, d.memoryMiB, d.memoryAllocatedMiB + " / " + d.memoryMiB + " MiB"),
    bar("cores", d.coresAllocated, d.coresTotal, d.coresAllocated + " / " + d.coresTotal + " % cores"));
  const pods = document.createElement("ul");
  pods.className = "pods";
  for (const p of d.pods || []) {
    const li = document.createElement("li");
    li.textContent = p.pod + " (" + p.container + "): " + p.memoryMiB + " MiB, " + p.cores + "%" + (p.profile ? ", " + p.profile : "");
    pods.append(li);
  }
  el.append(pods);
  return el;
}

function render() {
  if (!last) return;
  const want = vendorEl.value;
  const frag = document.createDocumentFragment();
  let devices = 0, used = 0, total = 0;
  for (const n of last.nodes) {
    if (want && n.vendor !== want) continue;
    const el = tpl.content.firstElementChild.cloneNode(true);
    el.dataset.node = n.name;
    el.dataset.vendor = n.vendor;
    if (n.stale) el.classList.add("stale");
    el.querySelector(".name").textContent = n.name;
    el.querySelector(".vendor").textContent = n.vendor + " " + n.pluginVersion;
    el.querySelector(".age").textContent = n.stale ? "stale " + n.ageSeconds + "s" : "inventory " + n.ageSeconds + "s old";
    const box = el.querySelector(".devices");
    for (const d of n.devices) {
      box.append(deviceEl(d));
      devices++; used += d.memoryAllocatedMiB; total += d.memoryMiB;
    }
    frag.append(el);
  }
  nodesEl.replaceChildren(frag);
  document.getElementById("summary").textContent =
    devices + " devices, " + pct(used, total).toFixed(0) + "% of memory allocated";
  document.getElementById("updated").textContent = "updated " + new Date(last.generatedAt).toLocaleTimeString();
}

function syncVendors(vendors) {
  const have = new Set([...vendorEl.options].map((o) => o.value));
  for (const v of vendors) {
    if (!have.has(v)) vendorEl.append(new Option(v, v));
  }
}

async function refresh() {
  try {
    const res = await fetch("api/fleet", { cache: "no-store" });
    if (!res.ok) throw new Error(res.status + " " + res.statusText);
    last = await res.json();
    syncVendors(last.vendors || []);
    render();
    document.body.dataset.loaded = "true";
  } catch (e) {
    document.getElementById("updated").textContent = "refresh failed: " + e.message;
  }
}

vendorEl.addEventListener("change", render);
refresh();
setInterval(refresh, 2000);
