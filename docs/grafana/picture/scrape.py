import json, sys, time, urllib.request, re
end = time.time() + float(sys.argv[1])
out = open(sys.argv[2], "w")
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')
while time.time() < end:
    t = time.time()
    try:
        body = urllib.request.urlopen("http://127.0.0.1:8081/actuator/prometheus", timeout=5).read().decode()
    except Exception as ex:
        time.sleep(2); continue
    samples = []
    for line in body.splitlines():
        if not line.startswith("wsedge_"):
            continue
        m = line_re.match(line)
        if not m: continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples.append([m.group(1), labels, float(m.group(3))])
    out.write(json.dumps({"t": t, "samples": samples}) + "\n"); out.flush()
    time.sleep(max(0, 2 - (time.time() - t)))
