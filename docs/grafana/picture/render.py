"""Evaluates the dashboard's panel queries over samples scraped from /actuator/prometheus and draws them (SVG)."""
import json, sys, re, html
from collections import defaultdict

scrapes = [json.loads(l) for l in open(sys.argv[1])]
t0 = scrapes[0]["t"]
WINDOW = 10.0

def match(labels, flt):
    for k, (op, v) in flt.items():
        val = labels.get(k, "")
        if op == "=" and val != v: return False
        if op == "!=" and val == v: return False
        if op == "=~" and not re.fullmatch(v, val): return False
    return True

def series_at(s, name, flt):
    return {tuple(sorted(l.items())): v for n, l, v in s["samples"] if n == name and match(l, flt)}

def gauge(name, by, flt={}):
    out = defaultdict(list)
    for s in scrapes:
        acc = defaultdict(float)
        for key, v in series_at(s, name, flt).items():
            acc[tuple(dict(key).get(b, "") for b in by)] += v
        for k, v in acc.items(): out[k].append((s["t"] - t0, v))
    return out

def rate(name, by, flt={}):
    out = defaultdict(list)
    for i, s in enumerate(scrapes):
        j = i
        while j > 0 and s["t"] - scrapes[j]["t"] < WINDOW: j -= 1
        if j == i: continue
        now, before = series_at(s, name, flt), series_at(scrapes[j], name, flt)
        dt = s["t"] - scrapes[j]["t"]
        acc = defaultdict(float)
        for key, v in now.items():
            acc[tuple(dict(key).get(b, "") for b in by)] += max(0.0, v - before.get(key, 0.0)) / dt
        for k, v in acc.items(): out[k].append((s["t"] - t0, v))
    return out

def ratio(a, b):
    out = {}
    for k, pts in a.items():
        den = dict(b.get(k, []))
        out[k] = [(t, v / den[t]) for t, v in pts if den.get(t)]
    return out

def label(fmt, by, key):
    d = dict(zip(by, key))
    return re.sub(r"\{\{(\w+)\}\}", lambda m: d.get(m.group(1), ""), fmt)

def named(fmt, by, data):
    return {label(fmt, by, k): v for k, v in data.items() if any(y > 0 for _, y in v)}

D = '=~', '.*'
panels = [
 ("Sessions by route", "", named("{{route}}", ["route"], gauge("wsedge_sessions_active", ["route"]))),
 ("Upgrades by outcome", "/s", named("{{outcome}} {{status}}", ["outcome", "status"], rate("wsedge_handshakes_total", ["outcome", "status"]))),
 ("Upstream connect time (mean)", "ms", {k: [(t, v * 1000) for t, v in pts] for k, pts in named("mean {{route}}", ["route"], ratio(
     rate("wsedge_upstream_connect_seconds_sum", ["route"], {"outcome": ("=", "success")}),
     rate("wsedge_upstream_connect_seconds_count", ["route"], {"outcome": ("=", "success")}))).items()}),
 ("Failed dials by outcome", "/s", named("{{route}} {{outcome}}", ["route", "outcome"], rate("wsedge_upstream_connect_seconds_count", ["route", "outcome"], {"outcome": ("!=", "success")}))),
 ("Messages by direction", "/s", named("from {{direction}}", ["direction"], rate("wsedge_messages_total", ["direction"], {"type": ("=~", "text|binary")}))),
 ("Bytes by direction", "KB/s", {k: [(t, v / 1024) for t, v in pts] for k, pts in named("from {{direction}}", ["direction"], rate("wsedge_bytes_total", ["direction"], {"type": ("=~", "text|binary")})).items()}),
 ("Closes by code", "/s", named("{{side}} {{code}}", ["side", "code"], rate("wsedge_closes_total", ["side", "code"]))),
 ("Violations by policy", "/s", named("{{policy}}", ["policy"], rate("wsedge_policy_violations_total", ["policy"]))),
 ("Interceptor time per message", "µs", {k: [(t, v * 1e6) for t, v in pts] for k, pts in named("{{interceptor}}", ["interceptor"], ratio(
     rate("wsedge_interceptor_duration_seconds_sum", ["interceptor"]), rate("wsedge_interceptor_duration_seconds_count", ["interceptor"]))).items()}),
 ("Dropped messages", "/s", named("{{direction}} {{reason}}", ["direction", "reason"], rate("wsedge_messages_dropped_total", ["direction", "reason"]))),
]

COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff780a", "#f2495c", "#b877d9", "#8ab8ff", "#ca95e5", "#fade2a", "#96d98d"]
W, H, PAD, TOP = 1400, 320, 16, 70
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{TOP + 5 * (H + PAD) + PAD}" font-family="Helvetica, Arial, sans-serif">',
       f'<rect width="100%" height="100%" fill="#111217"/>',
       f'<text x="{PAD}" y="30" fill="#d8d9da" font-size="20">wsedge</text>',
       f'<text x="{PAD}" y="52" fill="#8e8e8e" font-size="12">Panels of docs/grafana/wsedge-dashboard.json, their queries evaluated over /actuator/prometheus scraped every 2 s from the demo edge under a {int(scrapes[-1]["t"] - t0)} s mixed load (rate windows of {int(WINDOW)} s). Time axis in seconds.</text>']
pw = (W - 3 * PAD) / 2
tmax = scrapes[-1]["t"] - t0
for i, (title, unit, data) in enumerate(panels):
    x0 = PAD + (i % 2) * (pw + PAD); y0 = TOP + (i // 2) * (H + PAD)
    out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{H}" fill="#181b1f" stroke="#2c3235"/>')
    out.append(f'<text x="{x0 + 10}" y="{y0 + 20}" fill="#d8d9da" font-size="14">{html.escape(title)}</text>')
    gx, gy, gw, gh = x0 + 55, y0 + 35, pw - 75, H - 120
    ymax = max([v for pts in data.values() for _, v in pts] + [0])
    ymax = ymax * 1.1 if ymax > 0 else 1
    for k in range(5):
        yy = gy + gh - gh * k / 4
        out.append(f'<line x1="{gx}" y1="{yy}" x2="{gx + gw}" y2="{yy}" stroke="#2c3235"/>')
        val = ymax * k / 4
        txt = f"{val:.0f}" if ymax >= 10 else f"{val:.2f}"
        out.append(f'<text x="{gx - 6}" y="{yy + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">{txt}</text>')
    for k in range(0, int(tmax) + 1, 30):
        xx = gx + gw * k / tmax
        out.append(f'<text x="{xx}" y="{gy + gh + 14}" fill="#8e8e8e" font-size="10" text-anchor="middle">{k}</text>')
    out.append(f'<text x="{x0 + 10}" y="{gy + gh / 2}" fill="#8e8e8e" font-size="10" transform="rotate(-90 {x0 + 12} {gy + gh / 2})">{html.escape(unit)}</text>')
    for n, (name, pts) in enumerate(sorted(data.items())[:6]):
        color = COLORS[n % len(COLORS)]
        path = " ".join(f"{gx + gw * t / tmax:.1f},{gy + gh - gh * v / ymax:.1f}" for t, v in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>')
        lx = x0 + 12 + (n % 2) * (pw / 2); ly = gy + gh + 32 + (n // 2) * 15
        mean = sum(v for _, v in pts) / len(pts); peak = max(v for _, v in pts)
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="10" height="3" fill="{color}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly - 3}" fill="#c7d0d9" font-size="10">{html.escape(name)}  mean {mean:.3g} max {peak:.3g}</text>')
    if not data:
        out.append(f'<text x="{gx + gw / 2}" y="{gy + gh / 2}" fill="#8e8e8e" font-size="12" text-anchor="middle">No data</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out))
print("panels:", [(t, len(d)) for t, _, d in panels])
