"""hvac drives brine's audit devices as it drives OpenBao's: enable a file device, list it (hvac
users read both "data" and the top level), calculate_hash equal to the HMAC the device wrote for
the same input, disable it; and, on a master without unsafe_allow_api_audit_creation, the enable
refused with OpenBao's own message. VAULT_TOKEN is a root token; AUDIT_FILE is the file to use,
AUDIT_MODE "allowed" or "refused"."""
import json
import os

import hvac

from checks import check, client, emit, equal, raises, status

root = client()
path = os.environ["AUDIT_FILE"]
mode = os.environ["AUDIT_MODE"]

if mode == "refused":
    raises(hvac.exceptions.InvalidRequest,
           lambda: root.sys.enable_audit_device("file", options={"file_path": path}, path="hvac"),
           "enable without unsafe_allow_api_audit_creation",
           error="cannot enable audit device via API")
    check(not os.path.exists(path), "no file made for a refused device")
    listed = root.sys.list_enabled_audit_devices()
    check("hvac/" not in listed["data"], "nothing listed", listed)
    emit({"ok": True})
    raise SystemExit(0)

status(root.sys.enable_audit_device("file", description="from hvac",
                                    options={"file_path": path}, path="hvac"),
       204, "enable_audit_device")
listed = root.sys.list_enabled_audit_devices()
for where, devices in (("data", listed["data"]), ("top level", listed)):
    check("hvac/" in devices, "listed in " + where, devices)
    device = devices["hvac/"]
    equal(device["type"], "file", "type in " + where)
    equal(device["description"], "from hvac", "description in " + where)
    equal(device["options"]["file_path"], path, "file_path in " + where)

KNOWN = "audited-by-hvac"
root.auth.token.create(policies=["default"], display_name=KNOWN)
hashed = root.sys.calculate_hash("hvac", KNOWN)
equal(hashed["data"]["hash"], hashed["hash"], "calculate_hash in data and at the top level")
check(hashed["hash"].startswith("hmac-sha256:"), "the hash's shape", hashed["hash"])

with open(path) as f:
    entries = [json.loads(line) for line in f]
created = [e for e in entries
           if e.get("type") == "request" and e["request"]["path"] == "auth/token/create"]
equal(len(created), 1, "one request entry for the token create")
equal(created[0]["request"]["data"]["display_name"], hashed["hash"],
      "the entry's display_name is calculate_hash of the same input")
check(KNOWN not in open(path).read(), "the input itself is not in the file")

status(root.sys.disable_audit_device("hvac"), 204, "disable_audit_device")
check("hvac/" not in root.sys.list_enabled_audit_devices()["data"], "gone from the list")
size = os.path.getsize(path)
root.auth.token.lookup_self()
equal(os.path.getsize(path), size, "nothing written once disabled")
raises(hvac.exceptions.InvalidRequest, lambda: root.sys.calculate_hash("hvac", KNOWN),
       "calculate_hash on a disabled device")

emit({"ok": True, "hash": hashed["hash"]})
