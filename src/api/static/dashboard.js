// The big-screen order cockpit: reads the dashboard read models and draws them with ECharts.
//
// Open /dashboard?token=<a reader token>; the token is kept in this browser's local
// storage and dropped from the address. Optional: ?month=YYYY-MM (the KPI month,
// default this month), ?refresh=<seconds> (default 60).
"use strict";

const STAGES = [
  ["pending_confirmation", "待确认"], ["signed", "已签约"], ["designing", "设计中"],
  ["material_prep", "备料中"], ["in_production", "生产中"], ["testing", "测试中"],
  ["awaiting_shipment", "待发货"], ["provisioning", "开通中"], ["live", "已上线"],
  ["completed", "已完成"],
];
const STAGE_NAMES = Object.fromEntries(STAGES);
const LIGHT_ORDER = { red: 0, yellow: 1, green: 2 };
const params = new URLSearchParams(location.search);
const charts = {};

function token() {
  const given = params.get("token");
  if (given) {
    localStorage.setItem("orderhub-token", given);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }
  return localStorage.getItem("orderhub-token") || "";
}

function thisMonth() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

async function read(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token()}` } });
  if (response.status === 401) throw new Error("需要有效令牌 a valid token is needed: /dashboard?token=…");
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function percent(text) {
  return text === null || text === undefined ? "–" : `${(Number(text) * 100).toFixed(1)}%`;
}

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), "dark");
  return charts[id];
}

function bar(id, labels, values, horizontal = false) {
  const category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
  const value = { type: "value" };
  chart(id).setOption({
    backgroundColor: "transparent",
    grid: { left: horizontal ? 150 : 40, right: 20, top: 20, bottom: horizontal ? 30 : 70 },
    tooltip: { trigger: "axis" },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [{ type: "bar", data: values, itemStyle: { color: "#3e8ef7" }, label: { show: true, position: horizontal ? "right" : "top" } }],
  }, true);
}

function setText(testid, text) {
  document.querySelector(`[data-testid="${testid}"]`).textContent = text;
}

function drawInProgress(data) {
  const regions = Object.entries(data.by_region).sort((a, b) => b[1] - a[1]);
  bar("by-region", regions.map(([r]) => r), regions.map(([, n]) => n));
  const stages = STAGES.filter(([key]) => key in data.by_stage);
  bar("by-stage", stages.map(([, name]) => name), stages.map(([key]) => data.by_stage[key]));
  setText("in-progress", Object.values(data.by_stage).reduce((a, b) => a + b, 0));
}

function drawCycle(rows) {
  chart("delivery-cycle").setOption({
    backgroundColor: "transparent",
    grid: { left: 40, right: 20, top: 20, bottom: 40 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map((r) => r.period) },
    yAxis: { type: "value", name: "天 days" },
    series: [{ type: "line", smooth: true, data: rows.map((r) => Number(r.average_days)), areaStyle: {} }],
  }, true);
}

function drawMargins(rows) {
  const ranked = rows.filter((r) => r.actual_margin !== null)
    .sort((a, b) => Number(b.actual_margin) - Number(a.actual_margin)).slice(0, 10);
  bar("margins", ranked.map((r) => r.customer_id), ranked.map((r) => Number((Number(r.actual_margin) * 100).toFixed(1))), true);
}

function drawBottlenecks(rows) {
  const weeks = [...new Set(rows.map((r) => r.week))].sort();
  const stages = STAGES.filter(([key]) => rows.some((r) => r.stage === key));
  const cells = rows.map((r) => [weeks.indexOf(r.week), stages.findIndex(([key]) => key === r.stage), Number(r.average_days)]);
  chart("bottlenecks").setOption({
    backgroundColor: "transparent",
    grid: { left: 80, right: 20, top: 10, bottom: 70 },
    tooltip: { position: "top" },
    xAxis: { type: "category", data: weeks, splitArea: { show: true } },
    yAxis: { type: "category", data: stages.map(([, name]) => name), splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#1d3b2a", "#f5a524", "#e5484d"] } },
    series: [{ type: "heatmap", data: cells, label: { show: weeks.length <= 20 } }],
  }, true);
}

function drawKpis(kpis) {
  setText("on-time", percent(kpis.on_time_delivery_rate));
  setText("on-time-target", `目标 target ${percent(kpis.targets.on_time_delivery_rate.baseline)}–${percent(kpis.targets.on_time_delivery_rate.excellent)} · ${kpis.month}`);
  setText("per-staff", kpis.orders_per_staff ?? "–");
  setText("per-staff-target", `目标 target ${kpis.targets.orders_per_staff.target}`);
  setText("margin-deviation", percent(kpis.profit_margin_deviation));
  setText("margin-target", `理想 ideal ≤ ${percent(kpis.targets.profit_margin_deviation.ideal_at_most)}`);
}

function drawHealth(rows) {
  const body = document.querySelector("#health tbody");
  body.replaceChildren(...rows
    .sort((a, b) => LIGHT_ORDER[a.light] - LIGHT_ORDER[b.light] || Number(b.score) - Number(a.score))
    .slice(0, 15)
    .map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.light = r.light;
      for (const [text, cls] of [["", `light ${r.light}`], [r.customer_name], [STAGE_NAMES[r.stage] || r.stage], [r.score]]) {
        const td = document.createElement("td");
        if (cls) { const dot = document.createElement("span"); dot.className = cls; td.append(dot); }
        else td.textContent = text;
        tr.append(td);
      }
      return tr;
    }));
}

function drawAlerts(alerts) {
  setText("open-alerts", alerts.length);
  document.getElementById("alerts").replaceChildren(...alerts.map((a) => {
    const li = document.createElement("li");
    const level = document.createElement("span");
    level.className = `level ${a.level}`;
    level.textContent = a.level;
    li.append(level, `${a.reason} · ${a.owners}`);
    return li;
  }));
}

async function refresh() {
  const month = params.get("month") || thisMonth();
  try {
    const [inProgress, cycle, margins, bottlenecks, kpis, health, alerts] = await Promise.all([
      read("/dashboards/in-progress"), read("/dashboards/delivery-cycle?granularity=week"),
      read("/dashboards/margins?by=customer_id"), read("/dashboards/bottlenecks"),
      read(`/dashboards/kpis?month=${month}`), read("/dashboards/health"),
      read("/exceptions?open_only=true"),
    ]);
    drawInProgress(inProgress);
    drawCycle(cycle);
    drawMargins(margins);
    drawBottlenecks(bottlenecks);
    drawKpis(kpis);
    drawHealth(health);
    drawAlerts(alerts);
    document.getElementById("status").textContent = `更新于 updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.loaded = "true";
  } catch (error) {
    document.getElementById("status").textContent = error.message;
    document.body.dataset.error = error.message;
  }
}

window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
refresh();
setInterval(refresh, 1000 * Number(params.get("refresh") || 60));
